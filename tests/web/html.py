"""A tiny HTML query helper on the standard library's html.parser (no extra dependency).

Supports simple selectors: `tag`, `#id`, `.class`, `tag.class`, `[attr]`, `[attr=value]`,
combined in one compound (e.g. `form#ask-form`, `button.chip[name=question]`) and descendant
chains separated by spaces (e.g. `#turns article .answer-text`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def descendants(self) -> list[Node]:
        out: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                out.append(child)
                out.extend(child.descendants())
        return out

    def select(self, selector: str) -> list[Node]:
        nodes = [self]
        for part in selector.split():
            matcher = _compound(part)
            found: list[Node] = []
            seen: set[int] = set()
            for node in nodes:
                for d in node.descendants():
                    if id(d) not in seen and matcher(d):
                        seen.add(id(d))
                        found.append(d)
            nodes = found
        return nodes

    def select_one(self, selector: str) -> Node | None:
        found = self.select(selector)
        return found[0] if found else None


_TOKEN = re.compile(r"([#.]?[\w-]+)|\[([\w-]+)(?:=\"?([^\]\"]*)\"?)?\]")


def _compound(part: str):  # type: ignore[no-untyped-def]
    tests = []
    for match in _TOKEN.finditer(part):
        word, attr, value = match.groups()
        if word and word.startswith("#"):
            tests.append(lambda n, v=word[1:]: n.attrs.get("id") == v)
        elif word and word.startswith("."):
            tests.append(lambda n, v=word[1:]: v in n.classes())
        elif word:
            tag = word.lower()
            tests.append(lambda n, v=tag: n.tag == v)
        elif value is None:
            tests.append(lambda n, a=attr: a in n.attrs)
        else:
            tests.append(lambda n, a=attr, v=value: n.attrs.get(a) == v)
    return lambda node: all(test(node) for test in tests)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: (v or "") for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


class Doc(Node):
    """A parsed document: `Doc(html).select("#turns article")`."""

    def __init__(self, html: str) -> None:
        builder = _Builder()
        builder.feed(html)
        builder.close()
        super().__init__("#document", {}, None, builder.root.children)
        self.html = html
