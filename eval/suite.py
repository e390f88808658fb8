"""Question files with their corpus and role: a suite file, or the `--questions/--corpus` flags.

A suite file (TOML) lists the question files one command scores (``python -m eval --suite FILE``)
and checks (``python -m eval.goldcheck --suite FILE``)::

    configs = ["hybrid", "lexical", "baseline"]   # optional: configurations to run (default: all)

    [[files]]
    name = "samples_a_test"                      # folder name of its outputs (letters, digits, _ . -)
    questions = "../dev/samples_a_test.jsonl"    # paths are relative to the suite file
    corpus = "../../data/reports"
    role = "test"                                # fixed | extra | tune | test

Roles: ``fixed`` is the fixed question set of docs/DESIGN.md, ``tune`` a development set the rules may be
tuned on, ``test`` a held-out development set never tuned on, ``extra`` any other question file.
From the command line (``--questions A B --corpus DIR``) a file's name is its stem and its role is
read from the stem: ``*_tune`` -> tune, ``*_test`` -> test, ``eval/questions.jsonl`` -> fixed,
anything else -> extra.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parent
REPO = EVAL_DIR.parent
FIXED_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_SUITE = EVAL_DIR / "suites" / "dev.toml"
ROLES = ("fixed", "extra", "tune", "test")
ROLE_LABELS = {
    "fixed": "bộ cố định / fixed set",
    "extra": "bổ sung / extra",
    "tune": "tập điều chỉnh / tune set",
    "test": "tập kiểm tra giữ riêng / held-out test set",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SuiteError(ValueError):
    """A suite file or a --questions/--corpus combination that cannot be used (one Vietnamese line)."""


@dataclass(frozen=True)
class SuiteEntry:
    name: str
    questions: Path
    corpus: Path
    role: str = "extra"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class Suite:
    entries: list[SuiteEntry]
    configs: list[str] | None = None
    source: Path | None = None
    corpora: list[Path] = field(default_factory=list)  # distinct corpora, in order of first use

    @classmethod
    def of(cls, entries: Sequence[SuiteEntry], configs: Sequence[str] | None = None,
           source: Path | None = None) -> Suite:
        names = [e.name for e in entries]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SuiteError(f"tên bộ câu hỏi bị trùng (duplicate names): {', '.join(dup)}; "
                             "đặt tên khác trong tệp bộ đánh giá / give them distinct names")
        corpora: list[Path] = []
        for e in entries:
            if e.corpus.resolve() not in [c.resolve() for c in corpora]:
                corpora.append(e.corpus)
        return cls(list(entries), list(configs) if configs is not None else None, source, corpora)


def role_from_path(path: Path) -> str:
    if path.resolve() == FIXED_QUESTIONS:
        return "fixed"
    stem = path.stem.lower()
    if stem.endswith("_tune"):
        return "tune"
    if stem.endswith("_test"):
        return "test"
    return "extra"


def from_cli(questions: Sequence[Path], corpora: Sequence[Path]) -> Suite:
    """Entries for `--questions FILE [FILE ...] --corpus DIR [DIR ...]`: one corpus for every file,
    or one corpus per file (same order)."""
    if not questions:
        raise SuiteError("chưa có tệp câu hỏi nào (no question file given)")
    if len(corpora) not in (1, len(questions)):
        raise SuiteError(f"--corpus cần 1 thư mục hoặc đúng {len(questions)} thư mục, mỗi tệp câu hỏi một "
                         f"thư mục; nhận {len(corpora)} (give one corpus, or one per question file)")
    pairs = zip(questions, corpora if len(corpora) > 1 else list(corpora) * len(questions), strict=True)
    entries = [SuiteEntry(name=_safe_name(q.stem), questions=q, corpus=c, role=role_from_path(q))
               for q, c in pairs]
    return Suite.of(entries)


def _safe_name(stem: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.-")
    return name or "questions"


def load_suite(path: Path) -> Suite:
    """Read a suite TOML file; paths inside are relative to the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"{path}: không đọc được tệp bộ đánh giá (cannot read the suite file): "
                         f"{exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{path}: tệp bộ đánh giá không phải TOML hợp lệ (invalid TOML): {exc}") from exc
    base = path.parent
    files = data.get("files")
    if not isinstance(files, list) or not files:
        raise SuiteError(f"{path}: thiếu danh sách [[files]] (no [[files]] entries)")
    entries = []
    for i, raw in enumerate(files, 1):
        entries.append(_entry(path, i, raw, base))
    configs = data.get("configs")
    if configs is not None and (not isinstance(configs, list) or not all(isinstance(c, str) for c in configs)):
        raise SuiteError(f"{path}: trường 'configs' phải là danh sách tên cấu hình (configs must be a list of names)")
    try:
        return Suite.of(entries, configs, path)
    except SuiteError as exc:
        raise SuiteError(f"{path}: {exc}") from exc


def _entry(path: Path, i: int, raw: Any, base: Path) -> SuiteEntry:
    where = f"{path}: [[files]] thứ {i}"
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: phải là một bảng TOML (must be a table)")
    for key in ("name", "questions", "corpus"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise SuiteError(f"{where}: thiếu trường '{key}' (missing field '{key}')")
    unknown = sorted(set(raw) - {"name", "questions", "corpus", "role"})
    if unknown:
        raise SuiteError(f"{where}: trường không hợp lệ (unknown fields): {', '.join(unknown)}")
    name, role = raw["name"], raw.get("role", "extra")
    if not _NAME.match(name):
        raise SuiteError(f"{where}: tên '{name}' chỉ được gồm chữ, số, '_', '.', '-' (name: letters, digits, _ . -)")
    if role not in ROLES:
        raise SuiteError(f"{where}: vai trò '{role}' không hợp lệ, chọn một trong {', '.join(ROLES)} (invalid role)")
    return SuiteEntry(name=name, questions=(base / raw["questions"]).resolve(),
                      corpus=(base / raw["corpus"]).resolve(), role=role)


def display_path(path: Path) -> str:
    """The path relative to the repository when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)
