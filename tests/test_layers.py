"""core/ has no import cycle, and core.policy does not reach up into the layers that compute with it.

The graph is read from the source with ast, every import statement counted,
those inside functions too (an import hidden in a function is still a
dependency), and those under ``if TYPE_CHECKING`` (a lazy package names what
it loads there). ``from package import name`` is an edge to ``package.name``
when that is a module, else to the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"

# Cycles allowed for now, each by the modules it runs through (none since issue 16's store rework moved
# ``chunks`` and the SQLite file checks below the modules that shared them); a cycle that is gone fails below.
KNOWN_CYCLES: dict[str, frozenset[str]] = {}

# Lower layers that must not import higher ones (design.md: imports point down only).
FORBIDDEN = {
    "core.policy": ("core.engine", "core.calculators", "core.store", "core.excel", "core.letters", "core.evaluation"),
    "core.engine": ("core.store", "core.excel", "core.letters", "core.evaluation"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """{module: the core modules it imports} for every module under core/."""
    paths = {module_name(p): p for p in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    targets.add(sub if sub in paths else base)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one cycle through them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_path_through(graph, c) for c in found]


def _path_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One cycle inside ``component``, from its first module back to it (breadth-first, so a short one)."""
    start = min(component)
    came: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(came[path[-1]])
                    return [start] + path[::-1][1:] + [start] if len(path) > 1 else [start, start]
                if w not in came:
                    came[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(component)


def _text(cycle: list[str]) -> str:
    return " → ".join(cycle)


def test_no_import_cycle_inside_core_except_the_known_ones():
    graph = import_graph()
    found = cycles(graph)
    known = set(KNOWN_CYCLES.values())
    new = [c for c in found if frozenset(c) not in known]
    assert new == [], "import cycles in core/:\n" + "\n".join(_text(c) for c in new)


def test_known_cycles_are_still_there():
    """A cycle that was removed leaves the allow-list too, so it cannot come back unnoticed."""
    found = {frozenset(c) for c in cycles(import_graph())}
    gone = [name for name, members in KNOWN_CYCLES.items() if members not in found]
    assert gone == [], f"these cycles are gone, remove them from KNOWN_CYCLES: {gone}"


def test_lower_layers_do_not_import_higher_ones():
    graph = import_graph()
    wrong = []
    for layer, above in FORBIDDEN.items():
        for module, targets in graph.items():
            if module == layer or module.startswith(layer + "."):
                wrong += [f"{module} → {t}" for t in sorted(targets) if t.startswith(above)]
    assert wrong == []


def test_the_graph_sees_imports_inside_functions_and_submodules_named_by_from():
    """The reader itself: an import inside a function counts; ``from core.policy import loader`` is the module."""
    graph = import_graph()
    assert "core.engine" in graph["core.cli"]  # imported inside _policies()
    assert "core.policy.loader" in graph["core.engine.registries"]
    assert {"core.engine.evaluate", "core.engine.registries"} <= graph["core.engine"]  # under TYPE_CHECKING
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
