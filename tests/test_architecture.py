"""The architecture contracts of pyproject.toml ([tool.importlinter], docs/DESIGN.md "Layers") hold,
and the check fails when an upward import or a module cycle is added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "index", "assistant", "eval", "webapp")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} không có: cài phần phát triển (make setup) để có import-linter")
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # the packages of `cwd`, not the installed tree
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_contracts_are_kept() -> None:
    res = _lint_imports(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 5 kept, 0 broken." in res.stdout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and pyproject.toml to break on purpose."""
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_an_upward_import_breaks_the_layers(tree: Path) -> None:
    with (tree / "ingest" / "numbers.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _upward() -> None:\n    from assistant.models import Answer  # noqa: F401\n")
    res = _lint_imports(tree)
    assert res.returncode == 1
    assert "ingest is not allowed to import assistant:" in res.stdout
    assert "- ingest.numbers -> assistant.models" in res.stdout


def test_a_module_cycle_is_found(tree: Path) -> None:
    with (tree / "index" / "lexical.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _cycle() -> None:\n    from index.retriever import HybridRetriever  # noqa: F401\n")
    res = _lint_imports(tree)
    assert res.returncode == 1
    assert "No cycles are allowed in index." in res.stdout


def test_the_app_backend_does_not_import_eval(tree: Path) -> None:
    with (tree / "webapp" / "fmt.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _sideways() -> None:\n    from eval.report import render_summary  # noqa: F401\n")
    res = _lint_imports(tree)
    assert res.returncode == 1
    assert "webapp is not allowed to import eval:" in res.stdout
