"""The boundaries of DESIGN.md and issue #11, checked on the source: a new module cannot quietly undo them."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = ROOT / "jira_client"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    """Return the modules ``path`` imports when it runs (``if TYPE_CHECKING:`` blocks left out).

    ``from package import module`` counts as importing ``package.module`` (as pylint counts it).
    """
    tree = ast.parse(path.read_text())
    skipped = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
               and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING"
               for child in block.body for node in ast.walk(child)}
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names if _is_module(f"{base}.{alias.name}")}
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(base)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {m for m in _runtime_imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_cycle_between_the_packages_modules():
    graph = _graph()
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package importing its own submodules (to list them) is not a cycle unless one imports it back
    real = [c for c in cycles if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(c, c[1:]))]
    assert not real, real


def test_the_api_layer_never_imports_flask_and_nothing_imports_web_app():
    for path in PACKAGE.rglob("*.py"):
        imports = _runtime_imports(path)
        assert "web_app" not in imports, path
        if "api" in path.relative_to(PACKAGE).parts[:1]:
            assert not any(name == "flask" or name.startswith("flask.") for name in imports), path


def test_only_auth_knows_the_mode():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "auth" or relative.name == "settings.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                compared = [node.left, *node.comparators]
                assert not any("app_mode" in ast.unparse(side) or "single_user" in ast.unparse(side)
                               or "multi_user" in ast.unparse(side) for side in compared), f"{path}: {ast.unparse(node)}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr"):
                assert "strateg" not in ast.unparse(node.args[0]), f"{path}: {ast.unparse(node)}"
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert "app_mode" not in text and "oauth_viewer" not in text, template


def test_tests_use_tests_support_not_each_other():
    for path in (ROOT / "tests").rglob("*.py"):
        for name in _runtime_imports(path):
            last = name.rpartition(".")[2]
            assert not (name.startswith("tests.") and (last == "conftest" or last.startswith("test_"))), f"{path}: {name}"


def test_no_test_asserts_on_elapsed_time():
    clocks = ("perf_counter", "monotonic", "time.time", "elapsed", "duration", "seconds")
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assert):
                for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
                    ordering = any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in compare.ops)
                    text = ast.unparse(compare)
                    assert not (ordering and any(clock in text for clock in clocks)), f"{path}:{node.lineno}: {text}"
