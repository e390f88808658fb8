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


@pytest.mark.parametrize(("module", "added", "expected"), [
    # an upward import: the layers contract names the offending import
    ("ingest/numbers.py", "from assistant.models import Answer", ["ingest is not allowed to import assistant:",
                                                                 "- ingest.numbers -> assistant.models"]),
    # a module cycle inside a package
    ("index/lexical.py", "from index.retriever import HybridRetriever", ["No cycles are allowed in index."]),
    # the app's backend and eval are siblings that do not import each other
    ("webapp/fmt.py", "from eval.report import render_summary", ["webapp is not allowed to import eval:"]),
])
def test_a_broken_rule_fails_the_check(tree: Path, module: str, added: str, expected: list[str]) -> None:
    with (tree / module).open("a", encoding="utf-8") as fh:
        fh.write(f"\n\ndef _broken() -> None:\n    {added}  # noqa: F401\n")
    res = _lint_imports(tree)
    assert res.returncode == 1, res.stdout
    for line in expected:
        assert line in res.stdout
