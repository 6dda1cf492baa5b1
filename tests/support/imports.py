"""
The package's import graph, read from the source (never imported): every
C{import} and C{from ... import} of a C{coherence_lite} module, those under
C{if TYPE_CHECKING:} included and told apart.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

#: An import statement.
ImportNode = Union[ast.Import, ast.ImportFrom]


@dataclass(frozen=True)
class Edge:
    """
    One module importing another.

    @ivar source: the importing module's dotted name.
    @ivar target: the imported module's dotted name (for C{from X import
        Y}, C{X.Y} when that is a module, else C{X}).
    @ivar typeOnly: whether the import is under C{if TYPE_CHECKING:}.
    @ivar line: its line in the importing file.
    """

    source: str
    target: str
    typeOnly: bool
    line: int


def moduleNames(root: Path, package: str = "coherence_lite") -> dict[str, Path]:
    """
    Every module of C{package} below C{root}, by dotted name.
    """
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _typeCheckingBlock(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, typeOnly: bool = False) -> Iterator[tuple[ImportNode, bool]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, typeOnly
        else:
            yield from _imports(node, typeOnly or _typeCheckingBlock(node))


def importEdges(root: Path, package: str = "coherence_lite") -> list[Edge]:
    """
    Every import of one of C{package}'s modules by another, in file order.
    """
    modules = moduleNames(root, package)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: list[Edge] = []
    for source, path in modules.items():
        for node, typeOnly in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [resolve(alias.name) for alias in node.names if alias.name.split(".")[0] == package]
            elif node.level == 0 and node.module is not None and node.module.split(".")[0] == package:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.append(full if full in modules else resolve(node.module))
            for target in targets:
                if target is not None and target != source:
                    edges.append(Edge(source, target, typeOnly, node.lineno))
    return edges


def externalImporters(root: Path, top: str, package: str = "coherence_lite") -> list[str]:
    """
    The modules of C{package} that import the top-level package C{top}
    (such as C{louie}), type-only imports included.
    """
    found = []
    for name, path in moduleNames(root, package).items():
        for node, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                continue
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(each == top or each.startswith(top + ".") for each in names):
                found.append(name)
                break
    return found


def circles(edges: list[Edge]) -> list[list[str]]:
    """
    The import circles among modules: each strongly connected set of more
    than one module, sorted.
    """
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    onStack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iteratively (no recursion limit to meet).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        onStack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    onStack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in onStack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        onStack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
