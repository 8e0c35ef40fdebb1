"""One copy per value for the cache's objects (issue 8): hash-consing of their subtrees.

No I/O happens here. The cache holds thousands of objects of one shape (a
Deployment's pods: their containers, their managedFields, their conditions),
each decoded or built on its own. `held(obj, old)` (MemoryView.put calls it)
makes what `obj` holds below its own top-level dicts (metadata, spec, status,
...) the one shared copy of each exact value: every dict and list equal to
one seen before (the same keys in the same order, the same values of the
same types: 1, 1.0 and True differ, as do 0.0 and -0.0) is replaced by that one, every string
by the interned string equal to it. The object reads as it did; its own
dict and its top-level dicts are kept (they hold what is its own: name, uid,
resourceVersion, nodeName), their values are replaced in place.

The canonical table is keyed by each container's marshal bytes (format 0,
which equal plain values give equal bytes: the same keys in the same order,
the same scalar types), looked up from the top down, so that a subtree
equal to one seen before is found at its root, not walked again; a
container marshal refuses (one holding a str subclass or a FrozenDict) is
keyed by a flat tuple (its keys and values, a container child by the id of
its shared copy, which the table keeps alive through its parent). The table
is bounded: two generations of `limit`
keys, the older dropped when the younger fills, a key found in the older
moved to the younger. A value that ages out stays shared by the objects that
hold it; an equal one seen later gets a copy of its own.

A container that holds anything but str keys and JSON values (a str subclass
such as an enum, a tuple) is kept as it is, not shared, and its parent is
shared only with parents holding that very container.

Shared containers must never be mutated in place (they are other objects'
too): a reconciler copies before it changes. `set_frozen(True)` (the runtime
sets it from LITEKUBE_FROZEN_SHARED=1) makes every shared container a
FrozenDict or FrozenList, which refuse any change with SharedMutation, to
find who does.
"""
from __future__ import annotations

import copy
import marshal
import sys
from typing import Any, NoReturn

__all__ = ["FrozenDict", "FrozenList", "SharedMutation", "Sharing", "held", "interned", "plain", "set_frozen"]

GENERATION = 32_768  # keys per generation of the canonical table

_intern = sys.intern
_dumps = marshal.dumps
_LIST = object()  # the first element of a list's key: no dict's key starts with it


class SharedMutation(TypeError):
    """A change in place to a container the cache shares between objects."""


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise SharedMutation(f"a {type(self).__name__} is shared by the cache's objects: copy it before changing it")


class FrozenDict(dict):
    """A dict that refuses changes (LITEKUBE_FROZEN_SHARED=1). Its copies are plain dicts."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        out: dict = {}
        memo[id(self)] = out
        for k, v in self.items():
            out[k] = copy.deepcopy(v, memo)
        return out

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return dict, (dict(self),)


class FrozenList(list):
    """A list that refuses changes (LITEKUBE_FROZEN_SHARED=1). Its copies are plain lists."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse  # type: ignore

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo: dict) -> list:
        out: list = []
        memo[id(self)] = out
        out.extend(copy.deepcopy(v, memo) for v in self)
        return out

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return list, (list(self),)


_CONTAINERS = (dict, list, FrozenDict, FrozenList)
_SCALARS = (int, float, bool)


class Sharing:
    """A canonical table: `held` makes an object's subtrees the table's copies."""

    def __init__(self, limit: int = GENERATION, frozen: bool = False) -> None:
        self.limit = limit
        self.frozen = frozen
        self._young: dict[tuple, Any] = {}  # key -> the shared container
        self._old: dict[tuple, Any] = {}
        self._ids: dict[int, Any] = {}  # id -> the shared container (the younger generation's)

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def tables(self) -> tuple[dict, ...]:
        """The table's own dicts (for measuring what it holds)."""
        return self._young, self._old, self._ids

    def held(self, obj: dict, old: object) -> None:
        """Make `obj`'s subtrees below its top-level dicts shared, in place. What `obj` shares with
        `old` (the object it replaces, done when it was put) by identity is not walked again."""
        rebuild = False
        old_top = old if old.__class__ is dict else None
        for k, v in obj.items():
            if k.__class__ is str and k is not _intern(k):
                rebuild = True
            c = v.__class__
            if c is str:
                s = _intern(v)
                if s is not v:
                    obj[k] = s
            elif c is dict:
                o = old_top.get(k) if old_top is not None else None
                if v is not o:
                    self._own(v, o)
            elif c is list or c is FrozenList or c is FrozenDict:
                s = self.share(v)
                if s is not v:
                    obj[k] = s
        if rebuild:
            _rekey(obj)

    def _own(self, d: dict, old: object) -> None:
        rebuild = False
        old_d = old if old.__class__ is dict else None
        share = self.share
        for k, v in d.items():
            if k.__class__ is str and k is not _intern(k):
                rebuild = True
            c = v.__class__
            if c is str:
                s = _intern(v)
                if s is not v:
                    d[k] = s
            elif c is dict or c is list or c is FrozenDict or c is FrozenList:
                if old_d is not None and v is old_d.get(k):
                    continue
                s = share(v)
                if s is not v:
                    d[k] = s
        if rebuild:
            _rekey(d)

    def share(self, v: Any) -> Any:
        """The shared container equal to the dict or list `v` (`v` itself when it becomes the one).

        From the top down: `v` is looked up by its marshal bytes (format 0: no references, no
        interning flags, so equal plain values give equal bytes; it refuses a str, int, dict or list
        subclass), so an equal subtree seen before is found without walking it; only a new one is
        walked, its children shared the same way. A value marshal refuses (a FrozenDict child, an
        enum) is keyed bottom-up (`_walk`).
        """
        found = self._ids.get(id(v))
        if found is v:
            return v
        c = v.__class__
        if c is FrozenDict or c is FrozenList:  # shared once, aged out: still immutable
            return v
        try:
            key: Any = _dumps(v, 0)
        except ValueError:
            return self._walk(v)
        found = self._lookup(key)
        if found is not None:
            return found
        values: list = []
        changed = False
        share = self.share
        if c is dict:
            for k, x in v.items():
                if k.__class__ is not str:
                    return v
                if _intern(k) is not k:
                    changed = True
                xc = x.__class__
                if xc is str:
                    y = _intern(x)
                elif xc is dict or xc is list:
                    y = share(x)
                    if self._ids.get(id(y)) is not y:  # kept as it is: the parent is keyed by its identity
                        return self._walk(v)
                elif x is None or xc is int or xc is bool or xc is float:
                    y = x
                else:  # a tuple, bytes, a set: kept as it is
                    return v
                if y is not x:
                    changed = True
                values.append(y)
            canon = self._canon(v, map(_intern, v), values, changed)
        else:
            for x in v:
                xc = x.__class__
                if xc is str:
                    y = _intern(x)
                elif xc is dict or xc is list:
                    y = share(x)
                    if self._ids.get(id(y)) is not y:
                        return self._walk(v)
                elif x is None or xc is int or xc is bool or xc is float:
                    y = x
                else:
                    return v
                if y is not x:
                    changed = True
                values.append(y)
            canon = self._canon(v, None, values, changed)
        self._add(key, canon)
        return canon

    def _walk(self, v: Any) -> Any:
        """`share` keyed bottom-up: a flat tuple of the keys and values, a container child by the id of
        its shared copy (for what marshal refuses: str subclasses, FrozenDict and FrozenList children)."""
        c = v.__class__
        key: list = []
        values: list = []
        changed = False
        share = self.share
        if c is dict:
            for k, x in v.items():
                if k.__class__ is not str:
                    return v
                ik = _intern(k)
                if ik is not k:
                    changed = True
                xc = x.__class__
                if xc is str:
                    y = _intern(x)
                    key.append(ik)
                    key.append(y)
                elif xc is dict or xc is list or xc is FrozenDict or xc is FrozenList:
                    y = share(x)
                    key.append(ik)
                    key.append(id(y))
                elif x is None:
                    y = x
                    key.append(ik)
                    key.append(None)
                elif xc is int or xc is bool:
                    y = x
                    key.append(ik)
                    key.append((xc, x))
                elif xc is float:  # by its bits: -0.0 == 0.0
                    y = x
                    key.append(ik)
                    key.append((xc, x.hex()))
                else:
                    return v
                if y is not x:
                    changed = True
                values.append(y)
        else:
            key.append(_LIST)
            for x in v:
                xc = x.__class__
                if xc is str:
                    y = _intern(x)
                    key.append(y)
                elif xc is dict or xc is list or xc is FrozenDict or xc is FrozenList:
                    y = share(x)
                    key.append(id(y))
                elif x is None:
                    y = x
                    key.append(None)
                elif xc is int or xc is bool:
                    y = x
                    key.append((xc, x))
                elif xc is float:
                    y = x
                    key.append((xc, x.hex()))
                else:
                    return v
                if y is not x:
                    changed = True
                values.append(y)
        t = tuple(key)
        found = self._lookup(t)
        if found is not None:
            return found
        canon = self._canon(v, t[::2] if c is dict else None, values, changed)
        self._add(t, canon)
        return canon

    def _lookup(self, key: Any) -> Any:
        """The shared container under `key`, or None; one found in the older generation moves to the younger."""
        found = self._young.get(key)
        if found is None:
            found = self._old.get(key)
            if found is not None:  # still in use: into the younger generation
                self._add(key, found)
        return found

    def _canon(self, v: Any, keys: Any, values: list, changed: bool) -> Any:
        """The shared copy of `v` holding `values` (under `keys`, for a dict): `v` itself if nothing changed."""
        if keys is not None:
            if self.frozen:
                return FrozenDict(zip(keys, values))
            return dict(zip(keys, values)) if changed else v
        if self.frozen:
            return FrozenList(values)
        return values if changed else v

    def _add(self, key: tuple, canon: Any) -> None:
        if len(self._young) >= self.limit:
            self._old, self._young, self._ids = self._young, {}, {}
        self._young[key] = canon
        self._ids[id(canon)] = canon


def _rekey(d: dict) -> None:
    """The same keys, in the same order, as the interned strings (a str subclass key kept)."""
    items = list(d.items())
    d.clear()
    for k, v in items:
        d[_intern(k) if k.__class__ is str else k] = v


_TABLE = Sharing()


def held(obj: dict, old: object) -> None:
    """`Sharing.held` on the process's table (what MemoryView.put calls)."""
    _TABLE.held(obj, old)


def set_frozen(frozen: bool) -> None:
    """Whether the containers shared from now on are FrozenDict and FrozenList (a fresh table)."""
    global _TABLE
    _TABLE = Sharing(frozen=frozen)


def table() -> Sharing:
    """The process's table."""
    return _TABLE


def plain(value: Any) -> Any:
    """`value` with every FrozenDict and FrozenList a plain dict and list (for marshal)."""
    c = value.__class__
    if c is FrozenDict or c is dict:
        return {k: plain(v) if v.__class__ in _CONTAINERS else v for k, v in value.items()}
    if c is FrozenList or c is list:
        return [plain(v) if v.__class__ in _CONTAINERS else v for v in value]
    return value


def interned(obj: dict | list, old: object) -> None:
    """Only intern: every dict key and string value under `obj` the interned string equal to it, in
    place, nothing shared (what the cache did before sharing; `mem_view --no-share` measures it)."""
    if obj.__class__ is dict:
        rebuild = False
        for k, v in obj.items():  # type: ignore[union-attr]
            if k.__class__ is str and k is not _intern(k):
                rebuild = True
            c = v.__class__
            if c is str:
                s = _intern(v)
                if s is not v:
                    obj[k] = s  # type: ignore[index]
            elif (c is dict or c is list) and v:
                o = old.get(k) if old.__class__ is dict else None  # type: ignore[union-attr]
                if v is not o:
                    interned(v, o)
        if rebuild:
            _rekey(obj)  # type: ignore[arg-type]
    else:
        same = old if old.__class__ is list and len(old) == len(obj) else None  # type: ignore[arg-type]
        for i, v in enumerate(obj):
            c = v.__class__
            if c is str:
                s = _intern(v)
                if s is not v:
                    obj[i] = s
            elif (c is dict or c is list) and v:
                o = same[i] if same is not None else None
                if v is not o:
                    interned(v, o)
