"""Field sets, as server-side apply's managedFields write them (FieldsV1).

No I/O happens here. A field set is a tree keyed by path elements, as
structured-merge-diff's `fieldpath.Set` serializes it:

- `f:<name>`: a field of a map (`f:spec`, `f:replicas`);
- `k:{"containerPort":80,"protocol":"TCP"}`: an element of a `map` list, by
  its key fields (compact JSON, keys sorted);
- `v:"foregroundDeletion"`: a value of a `set` list;
- `i:3`: an element by index.

A node that is itself in the set and also has children carries `".": {}`
(FieldsV1); a node that is only in the set is `{}`. Inside this module, and
in the sets its functions take and return, membership is always explicit
(`{".": {}}` for a leaf), so that the operations need no special case;
`to_fields_v1` and `from_fields_v1` convert. Sets are never mutated.

`of(obj, kind)` is the set of fields an object specifies (ToFieldSet),
`compare(old, new, kind)` the fields added, modified and removed
(TypedValue.Compare), `paths(s)` the members as upstream prints them
(`.spec.template.spec.containers[name="nginx"].image`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from litekube.model import listtypes
from litekube.model.listtypes import Type

__all__ = ["FieldSet", "SELF", "of", "compare", "Comparison", "union", "difference", "intersection",
           "empty", "paths", "to_fields_v1", "from_fields_v1", "element_of", "describe", "insert", "created",
           "MissingKey", "item_key", "v1_union", "v1_difference", "v1_intersects"]

FieldSet = dict  # {path element: FieldSet}; "." marks the node itself as a member
SELF = "."
_MISSING = object()


class MissingKey(ValueError):
    """An element of a `map` list without one of its key fields: `element 0: associative list ...`."""


# -- encoding -------------------------------------------------------------------

def _go_json(value: Any) -> str:
    """Compact JSON as Go's encoder writes it (HTML characters escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def item_key(item: Any, t: Type) -> str:
    """The path element of one element of a non-atomic list: `k:{...}` by its keys, or `v:...`."""
    keys = t.list_type[1]  # t.keys
    if not keys:
        return "v:" + _go_json(item)
    if not isinstance(item, dict):
        raise MissingKey(f"associative list with keys has an element that is not a map type")
    if len(keys) == 1:  # the usual list of one key (name, type, ip) with a str or int value: memoized
        value = item.get(keys[0], _MISSING)
        if value.__class__ is str or value.__class__ is int:
            found = _KEYS.get((keys, (value,)))
            if found is not None:
                return found
    fields = {}
    for name in keys:
        if name in item:
            fields[name] = item[name]
        elif name in listtypes.KEY_DEFAULTS:
            fields[name] = listtypes.KEY_DEFAULTS[name]
        else:
            raise MissingKey(f'associative list with keys has an element that omits key field "{name}" '
                            f"(and doesn't have default value)")
    values = tuple(fields.values())
    if all(type(v) is str or type(v) is int for v in values):  # the usual keys: memoized
        memo = (keys, values)
        found = _KEYS.get(memo)
        if found is None:
            if len(_KEYS) >= _KEYS_MAX:
                _KEYS.clear()
            found = _KEYS[memo] = "k:" + _go_json(fields)
        return found
    return "k:" + _go_json(fields)


_KEYS: dict[tuple, str] = {}  # (key names, their str or int values) -> the element's path element
_KEYS_MAX = 1 << 16


def to_fields_v1(s: FieldSet) -> dict:
    """The FieldsV1 form: a leaf member is `{}`, a member with children has `".": {}`.

    The form of a set is remembered by the set's identity (sets are never mutated; each entry
    holds its set, so an id is never mistaken): a subtree shared by many sets, such as the
    comparison of one list of conditions (_FLAT), is encoded once. The form is shared too: never
    change it in place (as v1_union's)."""
    found = _V1.get(id(s))
    if found is not None and found[0] is s:
        return found[1]
    out = {}
    for key in sorted(k for k in s if k != SELF):
        node = s[key]
        if len(node) == 1 and SELF in node:
            out[key] = {}
        else:
            inner = to_fields_v1(node)
            if SELF in node:
                inner = {SELF: {}, **inner}
            out[key] = inner
    if len(_V1) >= _V1_MAX:
        _V1.clear()
    _V1[id(s)] = (s, out)
    return out


_V1: dict[int, tuple[FieldSet, dict]] = {}  # id(set) -> (the set, its FieldsV1 form)
_V1_MAX = 1 << 12


def from_fields_v1(fields: Any) -> FieldSet:
    """The set a FieldsV1 value encodes; raises ValueError for one that is not a tree of objects."""
    if not isinstance(fields, dict):
        raise ValueError("FieldsV1 must be an object")
    out: FieldSet = {}
    for key, node in fields.items():
        if key == SELF:
            continue
        if not isinstance(node, dict):
            raise ValueError(f"FieldsV1 value of {key} must be an object")
        if key[:2] not in ("f:", "k:", "v:", "i:"):
            continue  # a future element type: dropped, as upstream drops what it cannot read
        child = from_fields_v1(node)
        if not node or SELF in node:
            child[SELF] = {}
        out[key] = child
    return out


# -- set algebra ----------------------------------------------------------------

def empty(s: FieldSet) -> bool:
    return not any(k != SELF for k in s)


def union(a: FieldSet, b: FieldSet) -> FieldSet:
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for key, node in b.items():
        out[key] = union(out[key], node) if key in out else node
    return out


def difference(a: FieldSet, b: FieldSet) -> FieldSet:
    """What is in `a` and not in `b` (a member of both is not; their children are compared)."""
    if not b:
        return a
    out = {}
    for key, node in a.items():
        other = b.get(key)
        if other is None:
            out[key] = node
        elif key != SELF:
            rest = difference(node, other)
            if rest:
                out[key] = rest
    return out


def _v1_node(s: FieldSet) -> dict:
    """The FieldsV1 value of one member's node (`to_fields_v1` of a child)."""
    if len(s) == 1 and SELF in s:
        return {}
    inner = to_fields_v1(s)
    return {SELF: {}, **inner} if SELF in s else inner


def v1_union(fields: dict, s: FieldSet) -> dict:
    """`to_fields_v1(union(from_fields_v1(fields), s))` without decoding `fields`: the subtrees `s`
    does not reach are taken over as they are (shared, so never change them in place), keys in
    no particular order (equal as values; the store encodes them sorted). For FieldsV1 the store
    holds (valid, of known element types): a control plane write's shortcut."""
    if not s:
        return fields
    return _v1_union(fields, s)


def _v1_union(fields: dict, s: FieldSet) -> dict:
    """v1_union of the two without their own "." (neither filtered into a copy first), remembered
    by the identities of the two (see to_fields_v1: a kubelet's conditions as it wrote them for
    many pods, and what its next write changes in them, are each one object)."""
    memo = (id(fields), id(s))
    found = _V1_UNIONS.get(memo)
    if found is not None and found[0] is fields and found[1] is s:
        return found[2]
    out = {}
    for key, a in fields.items():  # the keys in the order they came (the store writes them sorted)
        if key == SELF:
            continue
        b = s.get(key)
        if b is None:
            out[key] = a
        else:
            member = not a or SELF in a or SELF in b
            children = _v1_union(a, b)
            out[key] = ({SELF: {}, **children} if member else children) if children else {}
    for key, b in s.items():
        if key != SELF and key not in fields:
            out[key] = _v1_node(b)
    if len(_V1_UNIONS) >= _V1_MAX:
        _V1_UNIONS.clear()
    _V1_UNIONS[memo] = (fields, s, out)
    return out


_V1_UNIONS: dict[tuple[int, int], tuple[dict, FieldSet, dict]] = {}  # (id, id) -> (fields, set, their union)


def v1_difference(fields: dict, s: FieldSet) -> dict:
    """`to_fields_v1(difference(from_fields_v1(fields), s))` without decoding `fields` (see v1_union)."""
    if not s:
        return fields
    return _v1_difference(fields, s)


def _v1_difference(fields: dict, s: FieldSet) -> dict:
    """v1_difference of the two without their own "." (neither filtered into a copy first),
    remembered by the identities of the two (as _v1_union)."""
    memo = (id(fields), id(s))
    found = _V1_DIFFERENCES.get(memo)
    if found is not None and found[0] is fields and found[1] is s:
        return found[2]
    out = {}
    for key, a in fields.items():
        if key == SELF:
            continue
        b = s.get(key)
        if b is None:
            out[key] = a
            continue
        member = (not a or SELF in a) and SELF not in b
        children = _v1_difference(a, b)
        if children:
            out[key] = {SELF: {}, **children} if member else children
        elif member:
            out[key] = {}
    if len(_V1_DIFFERENCES) >= _V1_MAX:
        _V1_DIFFERENCES.clear()
    _V1_DIFFERENCES[memo] = (fields, s, out)
    return out


_V1_DIFFERENCES: dict[tuple[int, int], tuple[dict, FieldSet, dict]] = {}  # as _V1_UNIONS


def v1_intersects(fields: dict, s: FieldSet) -> bool:
    """Whether the set `fields` (FieldsV1) encodes and `s` have a member in common, without decoding it."""
    for key, b in s.items():
        if key == SELF:
            continue
        a = fields.get(key)
        if a is None:
            continue
        if SELF in b and (not a or SELF in a):
            return True
        if a and v1_intersects(a, b):
            return True
    return False


def intersection(a: FieldSet, b: FieldSet) -> FieldSet:
    out = {}
    for key, node in a.items():
        other = b.get(key)
        if other is None:
            continue
        if key == SELF:
            out[key] = {}
            continue
        both = intersection(node, other)
        if both:
            out[key] = both
    return out


def insert(s: FieldSet, path: tuple[str, ...]) -> None:
    """Add `path` as a member (in place: for sets being built)."""
    node = s
    for element in path:
        node = node.setdefault(element, {})
    node[SELF] = {}


# -- printing -------------------------------------------------------------------

def _sort_key(element: str) -> tuple:
    """Upstream's order of path elements: fields, then keys, then values, then indexes."""
    kind, text = element[:1], element[2:]
    if kind == "f":
        return (0, text)
    if kind == "i":
        return (3, int(text) if text.lstrip("-").isdigit() else 0)
    value = json.loads(text)
    if kind == "k":
        return (1, [(name, _value_key(value[name])) for name in sorted(value)])
    return (2, _value_key(value))


def _value_key(value: Any) -> tuple:
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (3, value)
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (4, value)
    return (5, _go_json(value))


def _to_string(value: Any) -> str:
    """value.ToString: strings quoted, numbers and booleans bare."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return _go_json(value)


def element_of(element: str) -> str:
    """How upstream prints one path element: `.replicas`, `[name="nginx"]`, `[=5]`, `[3]`."""
    kind, text = element[:1], element[2:]
    if kind == "f":
        return "." + text
    if kind == "i":
        return f"[{text}]"
    value = json.loads(text)
    if kind == "k":
        return "[" + ",".join(f"{name}={_to_string(value[name])}" for name in sorted(value)) + "]"
    return f"[={_to_string(value)}]"


def describe(path: tuple[str, ...]) -> str:
    """fieldpath.Path.String(): `.spec.ports[port=80,protocol="TCP"].targetPort`."""
    return "".join(element_of(e) for e in path)


def paths(s: FieldSet, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every member, in upstream's order: at each level the members, then the children's members."""
    keys = sorted((k for k in s if k != SELF), key=_sort_key)
    for key in keys:
        if SELF in s[key]:
            yield prefix + (key,)
    for key in keys:
        if any(k != SELF for k in s[key]):
            yield from paths(s[key], prefix + (key,))


# -- the fields an object specifies --------------------------------------------------

def of(obj: dict, kind: str) -> FieldSet:
    """ToFieldSet: every scalar, atomic value and list element the object holds, and every
    key of a map that is not a struct field. Raises MissingKey for a `map` list element
    without its keys."""
    return _children(obj, listtypes.root(kind))


def _children(value: Any, t: Type) -> FieldSet:
    out: FieldSet = {}
    if isinstance(value, dict):
        if t.atomic:
            return out
        for key, sub in value.items():
            ft = t.field(key)
            node = _children(sub, ft)
            if _leaf(sub, ft) or not ft.declared:
                node[SELF] = {}
            if node:
                out["f:" + key] = node
    elif isinstance(value, list) and t.is_list:
        et = t.element()
        for index, item in enumerate(value):
            try:
                element = item_key(item, t)
            except MissingKey as exc:
                raise MissingKey(f"element {index}: {exc}") from None
            node = _children(item, et)
            node[SELF] = {}
            out[element] = node
    return out


def _leaf(value: Any, t: Type) -> bool:
    if isinstance(value, dict):
        return t.atomic
    if isinstance(value, list):
        return not t.is_list
    return True


# -- comparing two objects ---------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The fields `new` added to `old`, the ones both hold with different values, the ones it removed."""

    added: FieldSet
    modified: FieldSet
    removed: FieldSet

    @property
    def same(self) -> bool:
        return not (self.added or self.modified or self.removed)


def compare(old: dict | None, new: dict, kind: str) -> Comparison:
    """TypedValue.Compare of the objects, `old` None being the empty object (a create).

    A struct field Go always serializes counts as present (empty) on both sides, so
    that creating a Deployment does not add `.spec` itself, as upstream's typed objects.
    Equal subtrees are skipped whole (Python's `==`, which takes `True` for `1`: a field
    of one schema type never holds both).
    """
    added, modified, removed = _compare({} if old is None else old, new, listtypes.root(kind))
    return Comparison(added or {}, modified or {}, removed or {})


def created(obj: dict, kind: str) -> FieldSet:
    """What a create of `obj` adds or sets: `compare(None, obj, kind)`'s added and modified together,
    walked once (the fields Go's empty object holds are not added themselves)."""
    return _created(obj, listtypes.root(kind), True) or {}


def _created(new: Any, t: Type, present: bool) -> FieldSet | None:
    # `present`: the empty object holds this field already (as {} or null), so it is not added itself
    if isinstance(new, dict) and new and not t.atomic:
        node: FieldSet = {}
        for key, value in new.items():
            child = _created(value, t.field(key), present and t.always_present(key))
            if child:
                node["f:" + key] = child
    elif isinstance(new, list) and new and t.is_list:
        et = t.element()
        node = {}
        for item in new:
            try:
                element = item_key(item, t)
            except MissingKey:
                element = f"i:{len(node)}"
            node[element] = _created(item, et, False) or {SELF: {}}
    else:
        if present and (new == {} if isinstance(new, dict) else new is None):
            return None  # as empty as Go's empty value
        return {SELF: {}}
    if not present:
        node[SELF] = {}
    return node or None


_NOTHING: tuple[None, None, None] = (None, None, None)


def _compare(old: Any, new: Any, t: Type) -> tuple[FieldSet | None, FieldSet | None, FieldSet | None]:
    """(added, modified, removed) at this node: each the node of its set, or None when empty."""
    if old is _MISSING:  # a whole subtree added: what the walk below gives, built directly
        return _added(new, t), None, None
    if new is _MISSING:
        return None, None, _removed(old, t)
    if old == new:
        return _NOTHING
    return _differ(old, new, t)


def _differ(old: Any, new: Any, t: Type) -> tuple[FieldSet | None, FieldSet | None, FieldSet | None]:
    """`_compare` of two values both present and not equal (`old != new`)."""
    container = None
    if isinstance(old, dict) or isinstance(new, dict):
        if not t.atomic and (old is None or isinstance(old, dict)) and (new is None or isinstance(new, dict)):
            container = "map"
    elif isinstance(old, list) or isinstance(new, list):
        if t.is_list and (old is None or isinstance(old, list)) and (new is None or isinstance(new, list)):
            container = "list"
    if container is None or (not old and not new):  # both empty: a leaf, so {} and [] are told from absent
        # `old != new`, so not `equal` either (equal values are `==`): a modified leaf
        return None, {SELF: {}}, None
    if container == "list":
        memo = _flat_memo_key(old, new, t)
        if memo is None:
            return _differ_lists(old, new, t)
        found = _FLAT.get(memo)
        if found is not None and found[0] is t:
            return found[1]
        parts = _differ_lists(old, new, t)
        if len(_FLAT) >= _FLAT_MAX:
            _FLAT.clear()
        _FLAT[memo] = (t, parts)
        return parts
    added: FieldSet = {}
    modified: FieldSet = {}
    removed: FieldSet = {}
    lhs = old if isinstance(old, dict) else {}
    rhs = new if isinstance(new, dict) else {}
    field, always_present = t.field, t.always_present
    # The keys of both, in `{**lhs, **rhs}`'s order; a key both hold with equal values is
    # skipped before its type is looked up (what _compare of the two would answer).
    for key in (*lhs, *(k for k in rhs if k not in lhs)):
        a, b = lhs.get(key, _MISSING), rhs.get(key, _MISSING)
        if a is _MISSING or b is _MISSING:
            ft = field(key)
            if always_present(key):
                if a is _MISSING:
                    a = ft.empty_value()
                if b is _MISSING:
                    b = ft.empty_value()
            part_added, part_modified, part_removed = _compare(a, b, ft)
        elif a is b or a == b:
            continue
        else:
            part_added, part_modified, part_removed = _differ(a, b, field(key))
        if part_added:
            added["f:" + key] = part_added
        if part_modified:
            modified["f:" + key] = part_modified
        if part_removed:
            removed["f:" + key] = part_removed
    return added or None, modified or None, removed or None


def _differ_lists(old: Any, new: Any, t: Type) -> tuple[FieldSet | None, FieldSet | None, FieldSet | None]:
    """`_differ` of two `map` or `set` lists (either may be None) that are not equal."""
    added: FieldSet = {}
    modified: FieldSet = {}
    removed: FieldSet = {}
    et = t.element()
    lhs_items = _indexed(old if isinstance(old, list) else [], t)
    rhs_items = _indexed(new if isinstance(new, list) else [], t)
    for element in (*lhs_items, *(k for k in rhs_items if k not in lhs_items)):
        a, b = lhs_items.get(element, _MISSING), rhs_items.get(element, _MISSING)
        if a is _MISSING:
            part_added, part_modified, part_removed = _added(b, et), None, None
        elif b is _MISSING:
            part_added, part_modified, part_removed = None, None, _removed(a, et)
        elif a is b or a == b:
            continue
        else:
            part_added, part_modified, part_removed = _differ(a, b, et)
        if part_added:
            added[element] = part_added
        if part_modified:
            modified[element] = part_modified
        if part_removed:
            removed[element] = part_removed
    return added or None, modified or None, removed or None


def _flat(items: Any) -> tuple | None:
    """A list of flat maps (every value a str or None) as a hashable value that is equal only for
    the very same list (the same keys in the same order, the same strings), or None for any other."""
    if items is None:
        return ()
    if items.__class__ is not list:
        return None
    for item in items:
        if item.__class__ is not dict or not _FLAT_VALUES.issuperset(map(type, item.values())):
            return None
    return tuple([tuple(item.items()) for item in items])


_FLAT_VALUES = frozenset({str, type(None)})


def _flat_memo_key(old: Any, new: Any, t: Type) -> tuple | None:
    """The memo key of `_differ` of two lists of flat maps (conditions, podIPs): the result is a
    function of the list type and the two lists' keys and strings alone (no value is compared
    with `==` across types: a list holding an int or a bool is not memoized)."""
    a = _flat(old)
    if a is None:
        return None
    b = _flat(new)
    if b is None:
        return None
    return (id(t), a, b)


# `_differ` of two lists of flat maps, by _flat_memo_key: (the list Type, its result). The sets are
# never mutated, so a result is shared by every comparison of the same lists (a pod's conditions
# as its kubelet writes them, the same for all pods started in one virtual second). Each entry
# keeps its Type, so an id is never mistaken.
_FLAT: dict[tuple, tuple[Type, tuple]] = {}
_FLAT_MAX = 1 << 14


def _added(new: Any, t: Type) -> FieldSet:
    """`_compare(_MISSING, new, t)`'s added set: every field of `new`, and the node itself."""
    if isinstance(new, dict):
        if not new or t.atomic:
            return {SELF: {}}
        field = t.field
        node = {"f:" + key: _added(value, field(key)) for key, value in new.items()}
    elif isinstance(new, list) and new and t.is_list:
        et = t.element()
        node = {element: _added(item, et) for element, item in _indexed(new, t).items()}
    else:
        return {SELF: {}}
    node[SELF] = {}
    return node


def _removed(old: Any, t: Type) -> FieldSet:
    """`_compare(old, _MISSING, t)`'s removed set (the mirror of `_added`)."""
    return _added(old, t)


def _indexed(items: list, t: Type) -> dict[str, Any]:
    out = {}
    for index, item in enumerate(items):
        try:
            out[item_key(item, t)] = item
        except MissingKey:
            out[f"i:{index}"] = item  # a stored element without its key: compared by position
    return out


def _file(added: dict, modified: dict, removed: dict, element: str, parts: tuple) -> None:
    """File one child's (added, modified, removed) sets under `element`, each only when non-empty."""
    for into, part in zip((added, modified, removed), parts):
        if part:
            into[element] = part
