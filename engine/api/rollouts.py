"""scale, set image, label, annotate, and the rollout verbs, as kubectl does them.

This module does I/O through the API. Each function makes its change in one
transaction and returns kubectl's one-line answer; errors are LitekubeErrors
worded as kubectl words them.
"""
from __future__ import annotations

from litekube import errors
from litekube.api.server import Api, Transaction, timestamp
from litekube.model import kinds, values
from litekube.model.describing.pods import describe_pod_template
from litekube.model.tabwriting import PrefixWriter
from litekube.reconcile.deployment import util

__all__ = ["scale", "set_image", "set_metadata", "pause", "resume", "restart", "undo", "history", "history_objects",
           "replica_sets_of", "CHANGE_CAUSE", "RESTARTED_AT"]

CHANGE_CAUSE = "kubernetes.io/change-cause"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def _name(kind: kinds.Kind, name: str) -> str:
    return f"{kind.qualified}/{name}"


def scale(api: Api, kind: kinds.Kind, namespace: str, name: str, replicas: int,
          current: int | None = None) -> str:
    """`deployment.apps/web scaled`; `--current-replicas` is a precondition."""
    if kind.kind not in SCALABLE:
        raise errors.ManifestError(f'cannot scale {kind.plural}: no scale subresource')
    with api.write() as tx:
        obj = tx.get(kind.kind, namespace, name)
        actual = int((obj.get("spec") or {}).get("replicas", 1))
        if current is not None and current != actual:
            raise errors.ManifestError(f"Expected replicas to be {current}, was {actual}")
        new = values.clone(obj)
        new["spec"]["replicas"] = replicas
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} scaled"


def set_image(api: Api, kind: kinds.Kind, namespace: str, name: str, images: dict[str, str]) -> str:
    """`set image deployment/web app=nginx:1.27` (`*` sets every container)."""
    with api.write() as tx:
        obj = tx.get(kind.kind, namespace, name)
        new = values.clone(obj)
        spec = _pod_spec(new)
        containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
        for container_name, image in images.items():
            matched = [c for c in containers if container_name in ("*", c.get("name"))]
            if not matched:
                raise errors.ManifestError(f'unable to find container named "{container_name}"')
            for container in matched:
                container["image"] = image
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} image updated"


def _pod_spec(obj: dict) -> dict:
    if obj["kind"] == "Pod":
        return obj["spec"]
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def set_metadata(api: Api, kind: kinds.Kind, namespace: str, name: str, field: str, changes: list[str],
                 overwrite: bool) -> str:
    """`label` and `annotate`: `key=value` sets, `key-` removes; kubectl's answers and errors."""
    verb = "labeled" if field == "labels" else "annotated"
    with api.write() as tx:
        obj = tx.get(kind.kind, namespace, name)
        new = values.clone(obj)
        current = dict(new["metadata"].get(field) or {})
        removed = False
        notes: list[str] = []
        for change in changes:
            if change.endswith("-") and "=" not in change:
                key = change[:-1]
                if key not in current:
                    notes.append(f'{field[:-1]} "{key}" not found.')
                    continue
                del current[key]
                removed = True
                continue
            key, sep, value = change.partition("=")
            if not sep:
                raise errors.ManifestError(f"invalid {field[:-1]} spec: {change}")
            if key in current and current[key] != value and not overwrite:
                raise errors.ManifestError(f"'{key}' already has a value ({current[key]}), and --overwrite is false")
            current[key] = value
        if current == (obj["metadata"].get(field) or {}):
            return "\n".join(notes + [f"{_name(kind, name)} not {verb}"])
        new["metadata"][field] = current
        tx.update(new, namespace=namespace)
    if removed and field == "labels" and all(c.endswith("-") for c in changes):
        return "\n".join(notes + [f"{_name(kind, name)} unlabeled"])
    return "\n".join(notes + [f"{_name(kind, name)} {verb}"])


def _deployment(tx: Transaction, kind: kinds.Kind, namespace: str, name: str) -> dict:
    if kind.kind != "Deployment":
        raise errors.ManifestError(f'no rollout support for {kind.plural} "{name}" in litekube (only deployments)')
    return tx.get("Deployment", namespace, name)


def pause(api: Api, kind: kinds.Kind, namespace: str, name: str) -> str:
    with api.write() as tx:
        obj = _deployment(tx, kind, namespace, name)
        if obj["spec"].get("paused"):
            raise errors.ManifestError(f'{kind.resource} "{name}" is already paused')
        new = values.clone(obj)
        new["spec"]["paused"] = True
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} paused"


def resume(api: Api, kind: kinds.Kind, namespace: str, name: str) -> str:
    with api.write() as tx:
        obj = _deployment(tx, kind, namespace, name)
        if not obj["spec"].get("paused"):
            raise errors.ManifestError(f'{kind.resource} "{name}" is not paused')
        new = values.clone(obj)
        new["spec"].pop("paused", None)
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} resumed"


def restart(api: Api, kind: kinds.Kind, namespace: str, name: str) -> str:
    """Stamp the template with kubectl.kubernetes.io/restartedAt: a new rollout."""
    with api.write() as tx:
        obj = _deployment(tx, kind, namespace, name)
        if obj["spec"].get("paused"):
            raise errors.ManifestError(
                f'{kind.resource} "{name}" can\'t restart paused deployment (run rollout resume first)')
        new = values.clone(obj)
        meta = new["spec"]["template"].setdefault("metadata", {})
        meta["annotations"] = {**(meta.get("annotations") or {}), RESTARTED_AT: timestamp(tx.now())}
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} restarted"


def replica_sets_of(tx: Transaction, deployment: dict) -> list[dict]:
    """The ReplicaSets the deployment controls, by revision."""
    uid = deployment["metadata"]["uid"]
    owned = [rs for rs in tx.list("ReplicaSet", deployment["metadata"]["namespace"]).items
             if any(r.get("uid") == uid and r.get("controller") for r in rs["metadata"].get("ownerReferences") or [])]
    return sorted(owned, key=util.by_revision)


def undo(api: Api, kind: kinds.Kind, namespace: str, name: str, to_revision: int = 0) -> str:
    """Roll the template back to a revision's (the previous one by default), as kubectl does."""
    with api.write() as tx:
        obj = _deployment(tx, kind, namespace, name)
        rss = replica_sets_of(tx, obj)
        if not rss:
            raise errors.ManifestError(f'no rollout history found for deployment "{name}"')
        if to_revision:
            target = next((rs for rs in rss if util.revision(rs) == to_revision), None)
            if target is None:
                raise errors.ManifestError(f"unable to find specified revision {to_revision} in history")
        else:
            previous = sorted((util.revision(rs), rs) for rs in rss)
            if len(previous) < 2:
                raise errors.ManifestError(f'no revision found for deployment "{name}"')
            target = previous[-2][1]
        if obj["spec"].get("paused"):
            raise errors.ManifestError(
                f'you cannot rollback a paused deployment; resume it first with \'kubectl rollout resume '
                f'deployment/{name}\' and try again')
        template = values.clone(target["spec"]["template"])
        (template.get("metadata") or {}).get("labels", {}).pop(util.HASH_LABEL, None)
        if util.equal_ignore_hash(template, obj["spec"]["template"]):
            return (f"{_name(kind, name)} skipped rollback (current template already matches revision "
                    f"{util.revision(target)})")
        new = values.clone(obj)
        new["spec"]["template"] = template
        annotations = {k: v for k, v in (new["metadata"].get("annotations") or {}).items()}
        for key, value in (target["metadata"].get("annotations") or {}).items():
            if key not in (util.REVISION, util.REVISION_HISTORY, util.DESIRED_REPLICAS, util.MAX_REPLICAS,
                           "kubectl.kubernetes.io/last-applied-configuration"):
                annotations[key] = value
        new["metadata"]["annotations"] = annotations
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} rolled back"


def history(api: Api, kind: kinds.Kind, namespace: str, name: str, revision: int = 0) -> str:
    """`rollout history`: the revisions and their change causes, or one revision's pod template."""
    with api.read() as tx:
        obj = _deployment(tx, kind, namespace, name)
        rss = replica_sets_of(tx, obj)
    if revision:
        target = next((rs for rs in rss if util.revision(rs) == revision), None)
        if target is None:
            raise errors.ManifestError(f"unable to find the specified revision")
        w = PrefixWriter()
        template = values.clone(target["spec"]["template"])
        cause = (target["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        describe_pod_template(w, template)
        return f"{_name(kind, name)} with revision #{revision}\n" + w.text().rstrip("\n") + "\n\n"
    rows = [(util.revision(rs), (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or "<none>")
            for rs in rss]
    lines = [f"{_name(kind, name)} ", "REVISION  CHANGE-CAUSE"]
    width = max([len("REVISION")] + [len(str(r)) for r, _ in rows])
    lines += [f"{str(r).ljust(width)}  {cause}" for r, cause in sorted(rows)]
    # kubectl prints the history text (ending in a newline) followed by one more newline
    return "\n".join(lines) + "\n\n"


def history_objects(api: Api, kind: kinds.Kind, namespace: str, name: str, revision: int = 0) -> list[dict]:
    """`rollout history -o`: the ReplicaSets of the revisions (or of one), oldest revision first."""
    with api.read() as tx:
        rss = sorted(replica_sets_of(tx, _deployment(tx, kind, namespace, name)), key=util.revision)
    if revision:
        rss = [rs for rs in rss if util.revision(rs) == revision]
        if not rss:
            raise errors.ManifestError("unable to find the specified revision")
    return rss
