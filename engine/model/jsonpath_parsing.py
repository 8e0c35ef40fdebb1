"""The parser of kubectl's JSONPath templates, ported from client-go's util/jsonpath/parser.go.

No I/O happens here. A template is text with actions in braces:
`{.items[*].metadata.name}`, `{range .items[*]}{.name}{"\\n"}{end}`,
`{.items[?(@.status.phase=="Running")]}`. `parse(text)` returns the root
`ListNode`; a malformed template raises `JSONPathError` with client-go's
message (`unterminated array`, `unclosed action`, ...). The scanner walks
the template exactly as the Go one does, so the same odd inputs
(`{[]}` is `{[0]}`, `['a.b']` is `.a.b`) mean the same things.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["JSONPathError", "Node", "ListNode", "TextNode", "FieldNode", "ArrayNode", "Param", "FilterNode",
           "IntNode", "FloatNode", "BoolNode", "WildcardNode", "RecursiveNode", "UnionNode", "IdentifierNode",
           "parse", "unquote"]

EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$")
_INT = re.compile(r"^[+-]?[0-9]+$")
_FLOAT = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")


class JSONPathError(Exception):
    """A template that does not parse or does not evaluate, in client-go's words.

    `partial` is what the failing step returned beside its error (Go returns both),
    which an `exists` filter still looks at.
    """

    def __init__(self, message: str, partial: list | None = None) -> None:
        super().__init__(message)
        self.partial = partial or []


class Node:
    """A node of the parsed template."""


@dataclass
class ListNode(Node):
    nodes: list[Node] = field(default_factory=list)


@dataclass
class TextNode(Node):
    text: str


@dataclass
class FieldNode(Node):
    value: str


@dataclass
class Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class ArrayNode(Node):
    params: tuple[Param, Param, Param]


@dataclass
class FilterNode(Node):
    left: ListNode
    right: ListNode
    operator: str


@dataclass
class IntNode(Node):
    value: int


@dataclass
class FloatNode(Node):
    value: float


@dataclass
class BoolNode(Node):
    value: bool


@dataclass
class WildcardNode(Node):
    pass


@dataclass
class RecursiveNode(Node):
    pass


@dataclass
class UnionNode(Node):
    nodes: list[ListNode]


@dataclass
class IdentifierNode(Node):
    name: str


def _is_terminator(r: str) -> bool:
    return r in (EOF, " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alphanumeric(r: str) -> bool:
    return r == "_" or (r != EOF and (r.isalpha() or unicodedata.category(r) == "Nd"))


def _is_digit(r: str) -> bool:
    return r != EOF and unicodedata.category(r) == "Nd"


def _go_rune(r: str) -> str:
    """Go's %#U of a rune: U+0021 '!'."""
    code = ord(r)
    return f"U+{code:04X} '{r}'" if r.isprintable() else f"U+{code:04X}"


class _Parser:
    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = ListNode()

    # -- the scanner ------------------------------------------------------
    def consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return EOF
        self.width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def peek(self) -> str:
        r = self.next()
        self.backup()
        return r

    def backup(self) -> None:
        self.pos -= self.width

    # -- the grammar ------------------------------------------------------
    def parse(self) -> ListNode:
        # Go's parser is a chain of tail calls; here each step returns the next list to fill.
        cur: ListNode | None = self.text()
        while cur is not None:
            cur = self.action(cur)
        return self.root

    def text(self) -> ListNode | None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    self.root.nodes.append(TextNode(self.consume()))
                self.pos += 1
                self.consume()
                node = ListNode()
                self.root.nodes.append(node)
                return node
            if self.next() == EOF:
                break
        if self.pos > self.start:
            self.root.nodes.append(TextNode(self.consume()))
        return None

    def action(self, cur: ListNode) -> ListNode | None:
        """One step inside an action; the list to continue with, or None at the end of input."""
        rest = self.input[self.pos:]
        if rest.startswith("}"):
            self.pos += 1
            self.consume()
            return self.text()
        if rest.startswith("[?("):
            self.filter(cur)
            return cur
        if rest.startswith(".."):
            if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
                raise JSONPathError("invalid multiple recursive descent")
            self.pos += 2
            self.consume()
            cur.nodes.append(RecursiveNode())
            if _is_alphanumeric(self.peek()):
                self.field(cur)
            return cur
        r = self.next()
        if r == EOF or r in "\r\n":
            raise JSONPathError("unclosed action")
        if r in (" ", "@", "$"):
            self.consume()
        elif r == "[":
            self.array(cur)
        elif r in ('"', "'"):
            self.quote(cur, r)
        elif r == ".":
            self.field(cur)
        elif r in "+-" or _is_digit(r):
            self.backup()
            self.number(cur)
        elif _is_alphanumeric(r):
            self.backup()
            self.identifier(cur)
        else:
            raise JSONPathError(f"unrecognized character in action: {_go_rune(r)}")
        return cur

    def identifier(self, cur: ListNode) -> None:
        while True:
            if _is_terminator(self.next()):
                self.backup()
                break
        value = self.consume()
        cur.nodes.append(BoolNode(value == "true") if value in ("true", "false") else IdentifierNode(value))

    def number(self, cur: ListNode) -> None:
        if self.peek() in ("+", "-"):
            self.next()
        while True:
            r = self.next()
            if r != "." and not _is_digit(r):
                self.backup()
                break
        value = self.consume()
        if _INT.match(value) and -(2 ** 63) <= int(value) < 2 ** 63:
            cur.nodes.append(IntNode(int(value)))
        elif _FLOAT.match(value):
            cur.nodes.append(FloatNode(float(value)))
        else:
            raise JSONPathError(f"cannot parse number {value}")

    def array(self, cur: ListNode) -> None:
        while True:
            r = self.next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            cur.nodes.append(UnionNode([_action(f"[{part.strip(' ')}]") for part in parts]))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_action(f".{key.group(1)}").nodes)
            return
        match = _SLICE.match(text)
        if not match:
            raise JSONPathError(f"invalid array index {text}")
        values = list(match.groups(""))
        params = (Param(), Param(), Param())
        for i in range(3):
            if values[i]:
                if i > 0:
                    values[i] = values[i][1:]
                if i > 0 and values[i] == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    if not _INT.match(values[i]) or not -(2 ** 63) <= int(values[i]) < 2 ** 63:
                        raise JSONPathError(f"array index {values[i]} is not a number")
                    params[i].value = int(values[i])
            elif i == 1:
                params[i].known, params[i].value, params[i].derived = True, params[0].value + 1, True
        cur.nodes.append(ArrayNode(params))

    def filter(self, cur: ListNode) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            r = self.next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated filter")
            if r in ('"', "'"):
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")" and begin == end:
                break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        match = _FILTER.match(text)
        if match is None:
            cur.nodes.append(FilterNode(_action(text), ListNode(), "exists"))
        else:
            cur.nodes.append(FilterNode(_action(match.group(1)), _action(match.group(3)), match.group(2)))

    def quote(self, cur: ListNode, end: str) -> None:
        while True:
            r = self.next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            cur.nodes.append(TextNode(unquote(value)))
        except ValueError:
            raise JSONPathError(f"unquote string {value} error invalid syntax") from None

    def field(self, cur: ListNode) -> None:
        self.consume()
        while self.advance():
            pass
        value = self.consume()
        cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))

    def advance(self) -> bool:
        r = self.next()
        if r == "\\":
            self.next()
        elif _is_terminator(r):
            self.backup()
            return False
        return True


def parse(text: str) -> ListNode:
    """The template's root list; raises JSONPathError."""
    return _Parser(text).parse()


def _action(text: str) -> ListNode:
    """parseAction: the first action of `{text}`."""
    root = parse("{" + text + "}")
    first = root.nodes[0]
    assert isinstance(first, ListNode)
    return first


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote(text: str) -> str:
    """UnquoteExtend: strconv.Unquote that also takes single-quoted strings; ValueError if invalid."""
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote, body = text[0], text[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out: list[str] = []
    raw = bytearray()

    def flush() -> None:
        if raw:
            out.append(raw.decode("utf-8", errors="replace"))
            raw.clear()

    i = 0
    while i < len(body):
        ch = body[i]
        if ch == quote:
            raise ValueError("invalid syntax")
        if ch != "\\":
            flush()
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        esc = body[i + 1]
        i += 2
        if esc in _SIMPLE_ESCAPES:
            flush()
            out.append(_SIMPLE_ESCAPES[esc])
        elif esc in "'\"":
            if esc != quote:
                raise ValueError("invalid syntax")
            flush()
            out.append(esc)
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i:i + size]
            if len(digits) < size or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError("invalid syntax")
            i += size
            code = int(digits, 16)
            if esc == "x":
                raw.append(code)  # a byte, as Go keeps it
            else:
                if code > 0x10FFFF or 0xD800 <= code < 0xE000:
                    raise ValueError("invalid syntax")
                flush()
                out.append(chr(code))
        elif esc in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) < 3 or not re.fullmatch(r"[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            i += 2
            raw.append(int(digits, 8))
        else:
            raise ValueError("invalid syntax")
    flush()
    return "".join(out)
