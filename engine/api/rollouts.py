"""scale, set image, label, annotate, and the rollout verbs, as kubectl does them.

This module does I/O through the API. Each function makes its change in one
transaction and returns kubectl's one-line answer; errors are LitekubeErrors
worded as kubectl words them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from litekube import errors
from litekube.api.server import Api, Transaction, timestamp
from litekube.model import kinds, selectors, values
from litekube.model.tabwriting import PrefixWriter
from litekube.reconcile.common import history as controller_history
from litekube.reconcile.daemonset import util as daemon_set_util
from litekube.reconcile.deployment import util
from litekube.reconcile.statefulset import utils as statefulset_utils

__all__ = ["scale", "set_image", "set_metadata", "pause", "resume", "restart", "undo", "history", "history_objects",
           "replica_sets_of", "CHANGE_CAUSE", "RESTARTED_AT", "Viewer", "Revision", "VIEWERS", "viewer", "rolled",
           "status", "revision_viewer", "controlled_revisions", "revision_template", "apply_revision"]

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
        tx.update(new, namespace=namespace, record_as="scale")  # kubectl scale writes the scale subresource
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


# -- rollout: one viewer per kind ----------------------------------------------------------
#
# kubectl's StatusViewer, HistoryViewer, Rollbacker and ObjectRestarter, per kind. A kind gets
# `rollout status|history|undo|restart` by adding one `Viewer` to VIEWERS; the ControllerRevision
# kinds (StatefulSet, DaemonSet) share `revision_viewer`.

@dataclass(frozen=True)
class Revision:
    """One entry of a workload's history: its number, its pod template, and what `-o` prints for it."""

    number: int
    template: dict
    change_cause: str
    obj: dict


@dataclass(frozen=True)
class Viewer:
    """What `rollout` does for one kind.

    `status(obj, want_revision)` is kubectl's StatusViewer: (message, done), raising
    LitekubeError when the rollout cannot finish. `revisions(tx, obj)` lists the
    history (by number). `undo(tx, kind, obj, to_revision)` writes the rollback and
    returns kubectl's answer after the `kind/name `. `pausable`: pause and resume
    apply (Deployments only), and restart refuses a paused object.
    """

    status: Callable[[dict, int], tuple[str, bool]]
    revisions: Callable[[Transaction, dict], list[Revision]]
    undo: Callable[[Transaction, kinds.Kind, dict, int], str]
    pausable: bool = False


VIEWERS: dict[str, Viewer] = {}


def viewer(kind: kinds.Kind, name: str) -> Viewer:
    found = VIEWERS.get(kind.kind)
    if found is None:
        raise errors.ManifestError(f'no rollout support for {kind.plural} "{name}" in litekube '
                                   f'(only {", ".join(sorted(kinds.lookup(k).plural for k in VIEWERS))})')
    return found


def rolled(tx: Transaction, kind: kinds.Kind, namespace: str, name: str) -> tuple[dict, Viewer]:
    """The object `rollout` works on, and its kind's viewer (an unsupported kind is refused first)."""
    found = viewer(kind, name)
    return tx.get(kind.kind, namespace, name), found


def _deployment(tx: Transaction, kind: kinds.Kind, namespace: str, name: str) -> dict:
    if kind.kind != "Deployment":
        raise errors.ManifestError(f'no rollout support for {kind.plural} "{name}" in litekube (only deployments)')
    return tx.get("Deployment", namespace, name)


def status(obj: dict, want_revision: int = 0) -> tuple[str, bool]:
    """kubectl's rollout status message for `obj` (any kind with a viewer) and whether it is done."""
    return VIEWERS[obj["kind"]].status(obj, want_revision)


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
        obj, found = rolled(tx, kind, namespace, name)
        if found.pausable and obj["spec"].get("paused"):
            raise errors.ManifestError(
                f'{kind.resource} "{name}" can\'t restart paused deployment (run rollout resume first)')
        new = values.clone(obj)
        meta = new["spec"]["template"].setdefault("metadata", {})
        meta["annotations"] = {**(meta.get("annotations") or {}), RESTARTED_AT: timestamp(tx.now())}
        tx.update(new, namespace=namespace)
    return f"{_name(kind, name)} restarted"


def undo(api: Api, kind: kinds.Kind, namespace: str, name: str, to_revision: int = 0) -> str:
    """Roll the template back to a revision's (the previous one by default), as kubectl does."""
    with api.write() as tx:
        obj, found = rolled(tx, kind, namespace, name)
        answer = found.undo(tx, kind, obj, to_revision)
    return f"{_name(kind, name)} {answer}"


def history(api: Api, kind: kinds.Kind, namespace: str, name: str, revision: int = 0) -> str:
    """`rollout history`: the revisions and their change causes, or one revision's pod template."""
    with api.read() as tx:
        obj, found = rolled(tx, kind, namespace, name)
        revisions = found.revisions(tx, obj)
    if not revisions:
        return f"{_name(kind, name)} \nNo rollout history found.\n"
    by_number = {r.number: r for r in revisions}
    if revision:
        target = by_number.get(revision)
        if target is None:
            raise errors.ManifestError("unable to find the specified revision")
        w = PrefixWriter()
        from litekube.model.describing.pods import describe_pod_template  # rollout history only

        describe_pod_template(w, target.template)
        return f"{_name(kind, name)} with revision #{revision}\n" + w.text().rstrip("\n") + "\n\n"
    rows = [(n, by_number[n].change_cause or "<none>") for n in sorted(by_number)]
    lines = [f"{_name(kind, name)} ", "REVISION  CHANGE-CAUSE"]
    width = max([len("REVISION")] + [len(str(r)) for r, _ in rows])
    lines += [f"{str(r).ljust(width)}  {cause}" for r, cause in rows]
    # kubectl prints the history text (ending in a newline) followed by one more newline
    return "\n".join(lines) + "\n\n"


def history_objects(api: Api, kind: kinds.Kind, namespace: str, name: str, revision: int = 0) -> list[dict]:
    """`rollout history -o`: what each revision is (a Deployment's ReplicaSets; for the ControllerRevision
    kinds the object with the revision's template applied), oldest revision first."""
    with api.read() as tx:
        obj, found = rolled(tx, kind, namespace, name)
        revisions = sorted(found.revisions(tx, obj), key=lambda r: r.number)
    if revision:
        revisions = [r for r in revisions if r.number == revision]
        if not revisions:
            raise errors.ManifestError("unable to find the specified revision")
    return [r.obj for r in revisions]


# -- Deployment: ReplicaSets are the history ---------------------------------------------------

def replica_sets_of(tx: Transaction, deployment: dict) -> list[dict]:
    """The ReplicaSets the deployment controls, by revision."""
    uid = deployment["metadata"]["uid"]
    owned = [rs for rs in tx.list("ReplicaSet", deployment["metadata"]["namespace"]).items
             if any(r.get("uid") == uid and r.get("controller") for r in rs["metadata"].get("ownerReferences") or [])]
    return sorted(owned, key=util.by_revision)


def _deployment_revisions(tx: Transaction, deployment: dict) -> list[Revision]:
    out = []
    for rs in replica_sets_of(tx, deployment):
        template = values.clone(rs["spec"]["template"])
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or ""
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        out.append(Revision(util.revision(rs), template, cause, rs))
    return out


def _deployment_undo(tx: Transaction, kind: kinds.Kind, obj: dict, to_revision: int) -> str:
    name, namespace = obj["metadata"]["name"], obj["metadata"]["namespace"]
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
        return f"skipped rollback (current template already matches revision {util.revision(target)})"
    new = values.clone(obj)
    new["spec"]["template"] = template
    annotations = {k: v for k, v in (new["metadata"].get("annotations") or {}).items()}
    for key, value in (target["metadata"].get("annotations") or {}).items():
        if key not in (util.REVISION, util.REVISION_HISTORY, util.DESIRED_REPLICAS, util.MAX_REPLICAS,
                       "kubectl.kubernetes.io/last-applied-configuration"):
            annotations[key] = value
    new["metadata"]["annotations"] = annotations
    tx.update(new, namespace=namespace)
    return "rolled back"


VIEWERS["Deployment"] = Viewer(util.rollout_status, _deployment_revisions, _deployment_undo, pausable=True)


# -- the ControllerRevision kinds (StatefulSet, DaemonSet) -------------------------------------

def controlled_revisions(tx: Transaction, obj: dict) -> list[dict]:
    """controlledHistory: the ControllerRevisions the selector matches that `obj` controls, by revision."""
    meta = obj["metadata"]
    sel = selectors.from_label_selector((obj.get("spec") or {}).get("selector"))
    uid = meta.get("uid")
    owned = [cr for cr in tx.list("ControllerRevision", meta["namespace"]).items
             if sel.matches(cr["metadata"].get("labels") or {})
             and any(r.get("uid") == uid and r.get("controller") for r in cr["metadata"].get("ownerReferences") or [])]
    return controller_history.sort_revisions(owned)


def revision_template(cr: dict) -> dict:
    """The pod template a revision's data (`{"spec": {"template": {..., "$patch": "replace"}}}`) holds,
    as the API would store it (the patch directive and Go's empty creationTimestamp dropped)."""
    template = values.clone((((cr.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    meta = template.get("metadata")
    if isinstance(meta, dict) and meta.get("creationTimestamp", "") is None:
        meta.pop("creationTimestamp")
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for container in (template.get("spec") or {}).get(field) or []:
            if container.get("resources") == {}:
                container.pop("resources")
    return template


def apply_revision(obj: dict, cr: dict) -> dict:
    """applyStatefulSetHistory / applyDaemonSetHistory: `obj` with the revision's template."""
    applied = values.clone(obj)
    applied["spec"]["template"] = revision_template(cr)
    return applied


def _cr_revisions(tx: Transaction, obj: dict) -> list[Revision]:
    out = []
    for cr in controlled_revisions(tx, obj):
        cause = (cr["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or ""
        out.append(Revision(controller_history.number(cr), revision_template(cr), cause, apply_revision(obj, cr)))
    return out


def _cr_undo(tx: Transaction, kind: kinds.Kind, obj: dict, to_revision: int) -> str:
    """StatefulSetRollbacker / DaemonSetRollbacker: patch the object with the revision's data."""
    if to_revision < 0:
        raise errors.ManifestError(f"unable to find specified revision {to_revision} in history")
    revisions = controlled_revisions(tx, obj)
    if to_revision == 0 and len(revisions) <= 1:
        raise errors.ManifestError("no last revision to roll back to")
    if to_revision:
        target = next((cr for cr in revisions if controller_history.number(cr) == to_revision), None)
    else:  # findHistory(0): the revision before the newest
        target = revisions[-2] if len(revisions) >= 2 else None
    if target is None:
        raise errors.ManifestError(f"unable to find specified revision {to_revision} in history")
    current = controller_history.template_patch(obj["spec"]["template"])
    if controller_history.raw(current) == controller_history.raw(target.get("data")):
        return f"skipped rollback (current template already matches revision {to_revision})"
    new = apply_revision(obj, target)
    tx.update(new, namespace=obj["metadata"]["namespace"])
    return "rolled back"


def revision_viewer(status_fn: Callable[[dict, int], tuple[str, bool]]) -> Viewer:
    """The Viewer of a kind whose history is ControllerRevisions of its template patch."""
    return Viewer(status_fn, _cr_revisions, _cr_undo)


VIEWERS["StatefulSet"] = revision_viewer(statefulset_utils.rollout_status)

def _daemon_set_status(obj: dict, want_revision: int = 0) -> tuple[str, bool]:
    """kubectl's DaemonSetStatusViewer (the revision is ignored, as kubectl ignores it)."""
    try:
        return daemon_set_util.rollout_status(obj)
    except ValueError as failure:
        raise errors.ManifestError(str(failure)) from None


VIEWERS["DaemonSet"] = revision_viewer(_daemon_set_status)
