"""Patching objects: JSON merge patch, JSON patch, strategic merge patch, apply.

No I/O happens here. Objects are plain JSON-like dicts and are never mutated;
every function returns new values. The strategic merge patch and the
three-way patch of client-side apply follow apimachinery
`pkg/util/strategicpatch/patch.go` (`mergeMap`, `diffMaps`,
`CreateThreeWayMergePatch`): the same directives, the same list merge keys
(kubectl-wire §6.5), and the same `$setElementOrder` / `$patch: delete`
output. Where upstream reads `patchMergeKey` struct tags, `SCHEMAS` names the
merge key of a field within its parent context (`ports` of a `Container`
merge on `containerPort`, `ports` of a `ServiceSpec` on `port`).

Malformed patches raise `ValueError`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Field", "SCHEMAS", "merge_patch", "json_patch", "strategic_merge",
    "three_way_patch", "apply",
]

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder/"
DELETE_FROM = "$deleteFromPrimitiveList/"


@dataclass(frozen=True)
class Field:
    """How strategic merge treats one field: `Field("Container", "name")`.

    `context` names the schema of the value (of each element for lists);
    `merge_key` is None for atomic lists, "" for primitive lists merged as a
    set, else the key list elements are matched on; `retain_keys` marks
    union fields whose map carries a `$retainKeys` directive.
    """

    context: str | None = None
    merge_key: str | None = None
    retain_keys: bool = False


_META = Field("ObjectMeta")
_STATUS = Field("Status")
_TEMPLATE = Field("PodTemplateSpec")
_BY_NAME = Field(None, "name")

SCHEMAS: dict[str, dict[str, Field]] = {
    "Object": {"metadata": _META, "status": _STATUS},
    "ObjectMeta": {"finalizers": Field(None, ""), "ownerReferences": Field(None, "uid")},
    "Status": {"conditions": Field(None, "type"), "addresses": Field(None, "type")},
    "PodTemplateSpec": {"metadata": _META, "spec": Field("PodSpec")},
    "PodSpec": {
        "containers": Field("Container", "name"),
        "initContainers": Field("Container", "name"),
        "ephemeralContainers": Field("Container", "name"),
        "volumes": Field(None, "name", retain_keys=True),
        "imagePullSecrets": _BY_NAME,
        "schedulingGates": _BY_NAME,
        "hostAliases": Field(None, "ip"),
        "topologySpreadConstraints": Field(None, "topologyKey"),
    },
    "Container": {
        "env": _BY_NAME,
        "ports": Field(None, "containerPort"),
        "volumeMounts": Field(None, "mountPath"),
        "volumeDevices": Field(None, "devicePath"),
    },
    "WorkloadSpec": {"template": _TEMPLATE},
    "DeploymentSpec": {"template": _TEMPLATE, "strategy": Field(retain_keys=True)},
    "CronJobSpec": {"jobTemplate": Field("JobTemplateSpec")},
    "JobTemplateSpec": {"metadata": _META, "spec": Field("WorkloadSpec")},
    "ServiceSpec": {"ports": Field(None, "port")},
}

_SPEC_OF_KIND = {
    "Pod": "PodSpec", "Deployment": "DeploymentSpec", "ReplicaSet": "WorkloadSpec",
    "StatefulSet": "WorkloadSpec", "DaemonSet": "WorkloadSpec", "Job": "WorkloadSpec",
    "ReplicationController": "WorkloadSpec", "CronJob": "CronJobSpec", "Service": "ServiceSpec",
}


def _field(context: str | None, key: str) -> Field:
    if context is None:
        return Field()
    if context.startswith("kind:"):
        spec = _SPEC_OF_KIND.get(context[5:])
        if key == "spec" and spec:
            return Field(spec)
        if key == "template" and context == "kind:PodTemplate":
            return _TEMPLATE
        context = "Object"
    return SCHEMAS.get(context, {}).get(key, Field())


def _root(kind: str) -> str:
    return f"kind:{kind}"


# -- values -------------------------------------------------------------------

def _type(value: Any) -> str:
    """The JSON type of a value (ints and floats are both numbers, as in Go)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    return "null" if value is None else "string"


def _equal(a: Any, b: Any) -> bool:
    """Deep JSON equality that, unlike `==`, tells `True` from `1`."""
    if _type(a) != _type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _text(value: Any) -> str:
    """Go's `%v` of a scalar, used by upstream to sort merge keys and scalars."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_of(item: Any, merge_key: str) -> Any:
    if not isinstance(item, dict) or merge_key not in item:
        raise ValueError(f"map: {item!r} does not contain declared merge key: {merge_key}")
    return item[merge_key]


def _same_key(a: Any, b: Any) -> bool:
    return _type(a) == _type(b) and a == b


def _index(order: list[Any], item: Any, merge_key: str) -> int:
    value = _key_of(item, merge_key) if merge_key else item
    for i, other in enumerate(order):
        other_value = other.get(merge_key) if merge_key and isinstance(other, dict) else other
        if _same_key(value, other_value):
            return i
    return -1


# -- RFC 7386 and RFC 6902 --------------------------------------------------------

def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON merge patch: maps merge, `None` deletes, lists replace."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _list_index(container: list[Any], token: str, *, adding: bool) -> int:
    if adding and token == "-":
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise ValueError(f"invalid list index {token!r}")
    index = int(token)
    if index > len(container) or (index == len(container) and not adding):
        raise ValueError(f"list index {index} out of range")
    return index


def _resolve(doc: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list):
            doc = doc[_list_index(doc, token, adding=False)]
        else:
            raise ValueError(f"path segment {token!r} not found")
    return doc


def _add(doc: Any, tokens: list[str], value: Any) -> Any:
    if not tokens:
        return value
    parent = _resolve(doc, tokens[:-1])
    if isinstance(parent, dict):
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        parent.insert(_list_index(parent, tokens[-1], adding=True), value)
    else:
        raise ValueError(f"cannot add into a {_type(parent)}")
    return doc


def _remove(doc: Any, tokens: list[str]) -> Any:
    if not tokens:
        raise ValueError("cannot remove the whole document")
    parent = _resolve(doc, tokens[:-1])
    _resolve(parent, tokens[-1:])
    if isinstance(parent, dict):
        return parent.pop(tokens[-1])
    return parent.pop(_list_index(parent, tokens[-1], adding=False))


def json_patch(target: Any, ops: list[dict[str, Any]]) -> Any:
    """Apply an RFC 6902 JSON patch; raises ValueError when an operation fails."""
    doc = copy.deepcopy(target)
    for op in ops:
        if not isinstance(op, dict) or "path" not in op:
            raise ValueError(f"invalid JSON patch operation {op!r}")
        name, path = op.get("op"), _pointer(op["path"])
        if name in ("add", "replace", "test") and "value" not in op:
            raise ValueError(f"operation {name!r} needs a value")
        if name == "add":
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name == "remove":
            _remove(doc, path)
        elif name == "replace":
            if path:
                _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name in ("move", "copy"):
            source = _pointer(op.get("from", ""))
            if name == "move" and path[: len(source)] == source and path != source:
                raise ValueError("cannot move a value into one of its children")
            value = copy.deepcopy(_resolve(doc, source))
            if name == "move" and source:
                _remove(doc, source)
            doc = _add(doc, path, value)
        elif name == "test":
            if not _equal(_resolve(doc, path), op["value"]):
                raise ValueError(f"test failed at {op['path']!r}")
        else:
            raise ValueError(f"unknown JSON patch operation {name!r}")
    return doc


# -- strategic merge ------------------------------------------------------------

def strategic_merge(original: dict[str, Any] | None, patch: dict[str, Any], kind: str) -> dict[str, Any]:
    """Apply a strategic merge patch to an object of `kind` (the server side).

    Raises ValueError for a malformed patch: an unknown `$patch` directive, a
    list element without its merge key, a field missing from `$retainKeys`.
    """
    if not isinstance(patch, dict):
        raise ValueError("a strategic merge patch must be a JSON object")
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), _root(kind), server=True)


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], context: str | None, *,
               server: bool) -> dict[str, Any]:
    # `server` is upstream's MergeParallelList and IgnoreUnmatchedNulls; off,
    # it merges two patches and keeps every directive for the wire.
    directive = patch.pop(PATCH, None)
    if directive == "replace":
        return _merge_map({}, patch, context, server=server) if server else patch
    if directive == "delete":
        return {}
    if directive not in (None, "merge"):
        raise ValueError(f"unknown patch directive {directive!r}")
    original = original if isinstance(original, dict) else {}
    _retain_keys(original, patch, server=server)
    _set_element_orders(original, patch, context, server=server)
    for key, value in patch.items():
        deleting = key.startswith(DELETE_FROM)
        if deleting:
            if not server:
                original[key] = value
                continue
            key = key[len(DELETE_FROM):]
            if not isinstance(original.get(key), list):
                continue
        if value is None:
            original.pop(key, None)
            if server:
                continue
        field = _field(context, key)
        if key not in original or _type(original[key]) != _type(value):
            original[key] = _clean(value, field) if server else value
        elif isinstance(value, dict):
            original[key] = _merge_map(original[key], value, field.context, server=server)
        elif isinstance(value, list) and field.merge_key is not None:
            original[key] = _merge_list(original[key], value, field, server=server, deleting=deleting)
        elif not deleting:
            original[key] = value
    return original


def _clean(value: Any, field: Field) -> Any:
    """A patch value merged into nothing: directives and nulls dropped."""
    if isinstance(value, dict):
        return _merge_map({}, value, field.context, server=True)
    if isinstance(value, list) and field.merge_key is not None:
        return _merge_list([], value, field, server=True)
    return value


def _retain_keys(original: dict[str, Any], patch: dict[str, Any], *, server: bool) -> None:
    if RETAIN_KEYS not in patch:
        return
    keep = patch.pop(RETAIN_KEYS)
    if not server:
        original.setdefault(RETAIN_KEYS, keep)
        return
    if not isinstance(keep, list):
        raise ValueError(f"{RETAIN_KEYS} must be a list")
    for key, value in patch.items():
        if value is not None and not key.startswith("$") and key not in keep:
            raise ValueError(f"{RETAIN_KEYS} does not list patched field {key!r}")
    for key in [k for k in original if k not in keep]:
        del original[key]


def _set_element_orders(original: dict[str, Any], patch: dict[str, Any], context: str | None, *, server: bool) -> None:
    for directive in [k for k in patch if k.startswith(SET_ORDER)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise ValueError(f"{directive} must be a list")
        if not server:
            if directive in original and not _equal(original[directive], order):
                raise ValueError(f"conflicting {directive} lists")
            original[directive] = order
        key = directive[len(SET_ORDER):]
        field = _field(context, key)
        if not all(isinstance(v, list) for v in (original.get(key, []), patch.get(key, []))):
            continue
        if key not in original and key not in patch:
            continue
        if key not in original:
            merged = _clean(patch[key], field) if server else patch[key]
        elif key not in patch:
            merged = original[key]
        elif field.merge_key is None:
            merged = patch[key]
        else:
            merged = _merge_list(original[key], patch[key], field, server=server)
        live = original.get(key) or []
        merge_key = field.merge_key or ""
        ordered = [i for i in merged if _index(order, i, merge_key) >= 0]
        server_only = [i for i in merged if _index(order, i, merge_key) < 0]
        original[key] = _normalize_order(ordered, server_only, order, live, merge_key)
        patch.pop(key, None)


def _merge_list(original: list[Any], patch: list[Any], field: Field, *, server: bool,
                deleting: bool = False) -> list[Any]:
    merge_key = field.merge_key or ""
    if not original and not patch:
        return original
    if not any(isinstance(i, dict) for i in original + patch):
        if server and deleting:
            return [i for i in original if _index(patch, i, "") < 0]
        merged = list(original)
        merged += [i for i in patch if _index(merged, i, "") < 0]
    else:
        if not merge_key:
            raise ValueError("cannot merge lists of maps without a merge key")
        original, patch = _special_elements(original, patch, merge_key)
        merged = list(original)
        for item in patch:
            at = _index(merged, item, merge_key)
            if at >= 0:
                merged[at] = _merge_map(merged[at], item, field.context, server=server)
            else:
                merged.append(_merge_map({}, item, field.context, server=True) if server else item)
    ordered = [i for i in merged if _index(patch, i, merge_key) >= 0]
    server_only = [i for i in merged if _index(patch, i, merge_key) < 0]
    return _normalize_order(ordered, server_only, patch, original, merge_key)


def _special_elements(original: list[Any], patch: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """Apply `$patch: delete` and `$patch: replace` list elements."""
    plain, replace = [], False
    for item in patch:
        directive = item.get(PATCH) if isinstance(item, dict) else None
        if directive is None:
            plain.append(item)
        elif directive == "delete":
            value = _key_of(item, merge_key)
            original = [i for i in original if not _same_key(_key_of(i, merge_key), value)]
        elif directive == "replace":
            replace = True
        else:
            raise ValueError(f"unsupported patch directive {directive!r} in a list")
    return (plain, []) if replace else (original, plain)


def _sort_by(items: list[Any], order: list[Any], merge_key: str) -> list[Any]:
    """Items in the order of `order`; items not there go last, deletions after them."""
    def rank(item: Any) -> tuple[int, int]:
        deleting = isinstance(item, dict) and item.get(PATCH) == "delete"
        at = _index(order, item, merge_key)
        return (2, 0) if deleting else (0, at) if at >= 0 else (1, 0)
    return sorted(items, key=rank)


def _normalize_order(patched: list[Any], server_only: list[Any], patch_order: list[Any],
                     server_order: list[Any], merge_key: str) -> list[Any]:
    """Interleave patched and server-only items as upstream's mergeSortedSlice does."""
    right, left = _sort_by(patched, patch_order, merge_key), _sort_by(server_only, server_order, merge_key)
    result: list[Any] = []
    while left or right:
        take_left = not right or bool(left) and 0 <= _index(server_order, left[0], merge_key) < _index(
            server_order, right[0], merge_key)
        result.append((left if take_left else right).pop(0))
    return result


# -- diffing and client-side apply --------------------------------------------------

@dataclass(frozen=True)
class _Diff:
    ignore_deletions: bool = False
    ignore_changes: bool = False
    retain_keys: bool = False


def _diff_maps(original: dict[str, Any], modified: dict[str, Any], context: str | None, opts: _Diff) -> dict[str, Any]:
    """The strategic patch taking `original` to `modified` (upstream `diffMaps`)."""
    patch: dict[str, Any] = {}
    for key, value in modified.items():
        if key not in original or _type(original[key]) != _type(value):
            if not opts.ignore_changes:
                patch[key] = copy.deepcopy(value)
            continue
        old, field = original[key], _field(context, key)
        if isinstance(value, dict):
            child = _diff_maps(old, value, field.context, _Diff(opts.ignore_deletions, opts.ignore_changes,
                                                                  field.retain_keys))
            if child:
                patch[key] = child
        elif isinstance(value, list) and field.merge_key is not None:
            _diff_lists(key, old, value, field, patch, opts)
        elif not opts.ignore_changes and not _equal(old, value):
            patch[key] = copy.deepcopy(value)
    if not opts.ignore_deletions:
        patch.update({key: None for key in original if key not in modified})
    retained = sorted((k for k, v in modified.items() if v is not None), key=_text)
    if opts.retain_keys and retained and (patch or any(
            v is not None and k not in modified for k, v in original.items())):
        patch[RETAIN_KEYS] = retained
    return patch


def _diff_lists(key: str, original: list[Any], modified: list[Any], field: Field,
                patch: dict[str, Any], opts: _Diff) -> None:
    if not original:
        if modified and not opts.ignore_changes:
            patch[key] = copy.deepcopy(modified)
        return
    merge_key = field.merge_key or ""
    if any(isinstance(i, dict) for i in original + modified):
        if not merge_key:
            raise ValueError(f"cannot merge lists of maps in {key!r} without a merge key")
        changes, deletions = [], []
        for item in modified:
            at = _index(original, item, merge_key)
            if at < 0:
                if not opts.ignore_changes:
                    changes.append(copy.deepcopy(item))
                continue
            child = _diff_maps(original[at], item, field.context, _Diff(opts.ignore_deletions,
                                                                        opts.ignore_changes, field.retain_keys))
            if child:
                child[merge_key] = item[merge_key]
                changes.append(child)
        if not opts.ignore_deletions:
            deletions = [{merge_key: _key_of(i, merge_key), PATCH: "delete"}
                         for i in sorted(original, key=lambda i: _text(_key_of(i, merge_key)))
                         if _index(modified, i, merge_key) < 0]
        same_order = len(original) == len(modified) and all(
            _same_key(_key_of(a, merge_key), _key_of(b, merge_key)) for a, b in zip(original, modified))
        entries = changes + deletions
        if entries:
            patch[key] = entries
        if modified and ((not opts.ignore_changes and (entries or not same_order))
                         or (not opts.ignore_deletions and entries)):
            patch[SET_ORDER + key] = [{merge_key: i[merge_key]} for i in modified]
        return
    additions = [] if opts.ignore_changes else sorted(
        (i for i in modified if _index(original, i, "") < 0), key=lambda i: _index(modified, i, ""))
    removals = [] if opts.ignore_deletions else sorted(
        {_text(i): i for i in original if _index(modified, i, "") < 0}.values(), key=_text)
    if additions:
        patch[key] = copy.deepcopy(additions)
    if removals:
        patch[DELETE_FROM + key] = copy.deepcopy(removals)
    if modified and (removals or (not opts.ignore_changes and not _equal(original, modified))):
        patch[SET_ORDER + key] = copy.deepcopy(modified)


def three_way_patch(original: dict[str, Any] | None, modified: dict[str, Any], current: dict[str, Any],
                    kind: str) -> dict[str, Any]:
    """kubectl's client-side apply patch (upstream `CreateThreeWayMergePatch`).

    `original` is the last-applied configuration (None on first apply),
    `modified` the new manifest and `current` the live object. Deletions are
    fields of `original` missing from `modified`; changes and additions are
    fields of `modified` that differ from `current`; fields only `current`
    has (status, defaults, other writers' labels) are left alone. Returns {}
    when nothing changes.
    """
    root = _root(kind)
    delta = _diff_maps(current or {}, modified, root, _Diff(ignore_deletions=True))
    deletions = _diff_maps(original or {}, modified, root, _Diff(ignore_changes=True))
    return _merge_map(deletions, delta, root, server=False)


def apply(original: dict[str, Any] | None, modified: dict[str, Any], current: dict[str, Any],
          kind: str) -> dict[str, Any]:
    """The live object after client-side apply: `current` patched by `three_way_patch`."""
    return strategic_merge(current, three_way_patch(original, modified, current, kind), kind)
