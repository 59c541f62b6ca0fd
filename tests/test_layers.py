"""The layers hold: `desktop/ui` → core (`desktop/*.py`, `desktop/formats`) → `db`.

Read from the source with `ast`, every import counts, including those inside functions (a
lazy import closes a cycle just as well). The command line sits above them all.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("db", "desktop")
# higher may import lower, never the other way
RANKS = {"db": 0, "core": 1, "ui": 2, "cli": 3}
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|VACUUM|BEGIN)\s")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(module: str) -> str:
    if module.split(".")[0] == "db":
        return "db"
    if module in ("desktop.cli", "desktop.__main__"):
        return "cli"
    if module.startswith("desktop.ui"):
        return "ui"
    return "core"


def imports(path: Path, known: dict[str, Path]) -> dict[str, int]:
    """Every module this file imports (ours by dotted name, others by top-level name)."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                     for a in node.names]
        else:
            continue
        for name in names:
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]  # `import desktop.formats.pdf` → the module
            found.setdefault(name if name in known else name.split(".")[0], node.lineno)
    return found


def graph() -> dict[str, dict[str, int]]:
    known = modules()
    return {m: imports(p, known) for m, p in known.items()}


def upward_imports(g: dict[str, dict[str, int]]) -> list[str]:
    known = set(g)
    return [f"{m}:{line} imports {target} ({layer(m)} → {layer(target)})"
            for m, targets in g.items() for target, line in targets.items()
            if target in known and RANKS[layer(target)] > RANKS[layer(m)]]


def cycles(g: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), among our own modules.

    A package's __init__ is not an edge: importing desktop.formats.pdf runs desktop/formats/
    __init__.py, but that file imports nothing back.
    """
    edges = {m: [t for t in ts if t in g and t != m and not m.startswith(t + ".")] for m, ts in g.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_imports_point_down_only():
    assert upward_imports(graph()) == []


def test_no_import_cycles_among_our_modules():
    assert cycles(graph()) == []


def test_core_and_db_never_import_qt():
    g = graph()
    assert [f"{m}:{line}" for m, ts in g.items() if layer(m) in ("core", "db")
            for t, line in ts.items() if t in ("PySide6", "shiboken6")] == []


def test_only_db_speaks_sql():
    found = []
    for module, path in modules().items():
        if layer(module) == "db":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                found.append(f"{module}:{node.lineno} {node.value.strip()[:40]}")
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executescript", "executemany"):
                found.append(f"{module}:{node.lineno} .{node.attr}(")
    assert found == []


def test_records_are_structs_not_dataclasses():
    """One way to declare a record (msgspec.Struct): dataclasses cost start-up time."""
    assert [f"{m}:{line}" for m, ts in graph().items() for t, line in ts.items()
            if t == "dataclasses"] == []


def test_the_checks_see_what_they_check():
    """The graph really holds the imports the rules are about (else the tests above pass on nothing)."""
    g = graph()
    assert len(g) > 40
    assert "db.store" in g["desktop.report"]  # core → db, at module level
    assert "desktop.formats.pdf" in g["desktop.cli"] or any(
        t.startswith("desktop.") for t in g["desktop.cli"])  # the CLI imports lazily, inside functions
    assert "PySide6" in g["desktop.ui.app"]
    assert "msgspec" in g["desktop.template"]  # third-party modules by top-level name
    assert upward_imports({"desktop.report": {"desktop.cli": 1}, "desktop.cli": {}}) != []
    assert cycles({"a": {"b": 1}, "b": {"a": 1}}) == [["a", "b"]]


def test_importing_every_core_and_db_module_loads_no_qt():
    """The same at run time: the core, the formats and db are usable without Qt."""
    names = [m for m in modules() if layer(m) in ("core", "db") and m != "desktop.__main__"]
    code = ("import importlib, sys\n"
            f"for m in {names!r}: importlib.import_module(m)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
