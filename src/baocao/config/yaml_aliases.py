"""YAML aliases bounded: a configuration file may not expand past what any real one holds.

An anchor (`&name`) repeated by aliases (`*name`) costs nothing to parse, as PyYAML shares the
repeated object, but a "billion laughs" file (nine aliases of nine aliases …, a few lines) holds
10^9 values once anything walks it, and ended in MemoryError. `check_aliases` composes a text
that holds an alias and refuses, with a Vietnamese `ConfigError` naming the file and the line,
a document over `MAX_EXPANDED_NODES` nodes once expanded, or an alias inside its own anchor.
"""

from __future__ import annotations

import re

import yaml

from baocao.errors import ConfigError

# A configuration file holds a few hundred values; aliases (`*name`) repeating anchored ones
# (`&name`) may not make it hold more than this many once expanded (a "billion laughs" file
# holds 10^9 in a few lines and exhausts memory where the data is walked).
MAX_EXPANDED_NODES = 100_000
_ALIAS = re.compile(r"(?:^|[\s\[{,:?-])\*[^\s,\[\]{}]")


def _expanded_size(root: yaml.Node, source: str) -> None:
    """Refuse a document whose nodes, aliases expanded, outnumber `MAX_EXPANDED_NODES`, or whose
    alias refers to the node holding it. Linear in the document: each node is sized once."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_EXPANDED_NODES:
                raise ConfigError(_bomb_message(source, node, children, sizes))
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise ConfigError(
                f"Tệp cấu hình {source}, dòng {node.start_mark.line + 1}: nhãn “&” được dùng lại "
                "(“*”) ngay bên trong chính nó, tạo vòng lặp vô tận. Hãy ghi thẳng các giá trị, "
                "không dùng “&” và “*”."
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _bomb_message(source: str, node: yaml.Node, children: list, sizes: dict[int, int]) -> str:
    from baocao.base.numbers import format_number  # babel: only when a file is refused

    # Name the line of the largest child (an alias, usually) that pushed the node over.
    biggest = max(children, key=lambda c: sizes[id(c)], default=node)
    line = biggest.start_mark.line + 1
    limit = format_number(MAX_EXPANDED_NODES)
    return (
        f"Tệp cấu hình {source}, dòng {line}: các nhãn “&” dùng lại bằng “*” (anchor/alias của "
        f"YAML) khiến tệp phình ra hơn {limit} giá trị, nhiều hơn mọi tệp cấu hình thật; tệp "
        "không được đọc. Hãy ghi thẳng các giá trị, không dùng “&” và “*”."
    )


def check_aliases(text: str, source: str, loader: type = yaml.SafeLoader) -> None:
    """Refuse a document whose aliases expand it past `MAX_EXPANDED_NODES` (`ConfigError`
    naming the file and line). `loader`: the PyYAML loader class to compose with. A text with
    no alias is not composed at all."""
    if not _ALIAS.search(text):
        return
    try:
        root = yaml.compose(text, Loader=loader)
    except (yaml.YAMLError, ValueError):
        return  # a syntax error: the caller's loader explains it
    except RecursionError:
        raise ConfigError(
            f"Tệp cấu hình {source} lồng nhau quá sâu, không đọc được. Hãy ghi lại tệp theo "
            "tệp mẫu trong config/."
        ) from None
    if root is not None:
        _expanded_size(root, source)
