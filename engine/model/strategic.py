"""Strategic merge patch and kubectl's three-way apply patch.

No I/O happens here. Objects are plain JSON-like dicts and are never mutated;
every function returns new values. `strategic_merge` applies a patch as the
apiserver does, `three_way_patch` computes the patch client-side apply sends,
and `apply` is the two together. Both follow apimachinery
`pkg/util/strategicpatch/patch.go` (`mergeMap`, `diffMaps`,
`CreateThreeWayMergePatch`): the same directives, the same list merge keys
(`litekube.model.merge_keys`), and the same `$setElementOrder` /
`$patch: delete` output. `litekube.model.patching` re-exports all three.

Malformed patches raise `ValueError`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from litekube.model.merge_keys import Field, field_of, kind_context
from litekube.model.values import equal, json_type

__all__ = ["strategic_merge", "three_way_patch", "apply"]

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder/"
DELETE_FROM = "$deleteFromPrimitiveList/"


# -- merge keys and scalars ------------------------------------------------------

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
    return json_type(a) == json_type(b) and a == b


def _index(order: list[Any], item: Any, merge_key: str) -> int:
    value = _key_of(item, merge_key) if merge_key else item
    for i, other in enumerate(order):
        other_value = other.get(merge_key) if merge_key and isinstance(other, dict) else other
        if _same_key(value, other_value):
            return i
    return -1


# -- strategic merge ------------------------------------------------------------

def strategic_merge(original: dict[str, Any] | None, patch: dict[str, Any], kind: str) -> dict[str, Any]:
    """Apply a strategic merge patch to an object of `kind` (the server side).

    Raises ValueError for a malformed patch: an unknown `$patch` directive, a
    list element without its merge key, a field missing from `$retainKeys`.
    """
    if not isinstance(patch, dict):
        raise ValueError("a strategic merge patch must be a JSON object")
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), kind_context(kind), server=True)


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
        field = field_of(context, key)
        if key not in original or json_type(original[key]) != json_type(value):
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
            if directive in original and not equal(original[directive], order):
                raise ValueError(f"conflicting {directive} lists")
            original[directive] = order
        key = directive[len(SET_ORDER):]
        field = field_of(context, key)
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
        if key not in original or json_type(original[key]) != json_type(value):
            if not opts.ignore_changes:
                patch[key] = copy.deepcopy(value)
            continue
        old, field = original[key], field_of(context, key)
        if isinstance(value, dict):
            child = _diff_maps(old, value, field.context, _Diff(opts.ignore_deletions, opts.ignore_changes,
                                                                  field.retain_keys))
            if child:
                patch[key] = child
        elif isinstance(value, list) and field.merge_key is not None:
            _diff_lists(key, old, value, field, patch, opts)
        elif not opts.ignore_changes and not equal(old, value):
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
    if modified and (removals or (not opts.ignore_changes and not equal(original, modified))):
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
    root = kind_context(kind)
    delta = _diff_maps(current or {}, modified, root, _Diff(ignore_deletions=True))
    deletions = _diff_maps(original or {}, modified, root, _Diff(ignore_changes=True))
    return _merge_map(deletions, delta, root, server=False)


def apply(original: dict[str, Any] | None, modified: dict[str, Any], current: dict[str, Any],
          kind: str) -> dict[str, Any]:
    """The live object after client-side apply: `current` patched by `three_way_patch`."""
    return strategic_merge(current, three_way_patch(original, modified, current, kind), kind)
