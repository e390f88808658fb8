"""`python -m eval.goldcheck`: check every gold line of the question files against the corpus text.

    python -m eval.goldcheck FILE [FILE ...] --corpus DIR [DIR ...]   # one corpus, or one per file
    python -m eval.goldcheck [--suite FILE]                           # default: eval/suites/dev.toml

Prints one line per problem (``file:line id: reason``) and exits 1 when there is any, 0 when every
line passes, 2 when the input cannot be read at all (missing file, bad suite). Checks per line:

* JSON object with ``id`` (unique in its file), ``question``, ``type`` (number | set | text | none),
  ``answer``, ``citations`` (list of ``{"doc", "quote"}``), optional ``tags`` / ``history`` (lists
  of strings); every string NFC;
* answer shape per type: number -> a number; set -> a non-empty list of distinct unit names;
  text -> a non-empty list of facts, each a non-empty list of non-empty strings; none -> null and no
  citations. Every other type needs at least one citation;
* every citation names a document of the corpus (``<corpus>/<doc>.<ext>``, read through
  ``ingest.loaders.load_document``: the NFC text the store holds) and its quote is an exact
  substring of that text;
* number: the gold value is one of the numbers of some quote (read as ``eval/scoring.py`` reads
  numbers: Vietnamese/English separators, "499 triệu");
* text: every fact has an acceptable string in some cited document (case-insensitive, runs of
  whitespace collapsed, as the scorer matches facts);
* set: every gold unit is named (accent- and case-insensitively, on word boundaries) in the text of
  some cited document.

Exceptions are explicit tags of the question line (``gold:...``); an unknown one is a problem:

* ``gold:count-of-units`` (number questions "how many units ..."): the gold number is the count of
  distinct cited documents instead of a number inside a quote.
* ``gold:units-from-gazetteer`` (set questions decided by the gazetteer, e.g. "units of province
  X" when a report does not name its province): a gold unit need not be named in a cited document,
  but it must be named in some document of the corpus.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.scoring import QUESTION_TYPES, contains, extract_numbers, fold_accents, numbers_equal
from eval.suite import DEFAULT_SUITE, Suite, SuiteError, display_path, from_cli, load_suite
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_document

logger = logging.getLogger(__name__)

COUNT_OF_UNITS = "gold:count-of-units"
UNITS_FROM_GAZETTEER = "gold:units-from-gazetteer"
GOLD_TAGS = frozenset({COUNT_OF_UNITS, UNITS_FROM_GAZETTEER})
REQUIRED_KEYS = ("id", "question", "type", "answer", "citations")
OPTIONAL_KEYS = ("tags", "history")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    qid: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.qid or '-'}: {self.reason}"


class Corpus:
    """The documents of one corpus folder by doc id (file stem), loaded lazily through the loader."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._paths: dict[str, list[Path]] = {}
        self._texts: dict[str, str | LoadError] = {}
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for p in files:
            if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES:
                self._paths.setdefault(p.stem, []).append(p)

    def __len__(self) -> int:
        return len(self._paths)

    def doc_ids(self) -> list[str]:
        return sorted(self._paths)

    def folded_texts(self) -> list[str]:
        """The accent-folded text of every readable document (unreadable ones are skipped)."""
        out = []
        for doc in self.doc_ids():
            try:
                out.append(fold_accents(self.text(doc)))
            except LoadError:
                continue
        return out

    def text(self, doc: str) -> str:
        """The NFC text of a document; raises KeyError (no such doc) or LoadError (unreadable)."""
        if doc not in self._texts:
            paths = self._paths.get(doc)
            if not paths:
                raise KeyError(doc)
            if len(paths) > 1:
                shown = ", ".join(p.name for p in paths)
                self._texts[doc] = LoadError(paths[0], f"mã tài liệu '{doc}' trùng ở nhiều tệp ({shown})", "ambiguous")
            else:
                try:
                    self._texts[doc] = load_document(paths[0]).text
                except LoadError as exc:
                    self._texts[doc] = exc
        got = self._texts[doc]
        if isinstance(got, LoadError):
            raise got
        return got


# ---------------------------------------------------------------- checks of one question


def _is_nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_shape(q: Mapping[str, Any]) -> list[str]:
    """Keys, types and the answer shape of the question's type."""
    out: list[str] = []
    missing = [k for k in REQUIRED_KEYS if k not in q]
    if missing:
        out.append(f"thiếu trường {', '.join(missing)} (missing keys)")
    unknown = sorted(set(q) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        out.append(f"trường không hợp lệ {', '.join(unknown)} (unknown keys)")
    if not isinstance(q.get("id"), str) or not q.get("id", "").strip():
        out.append("'id' phải là chuỗi khác rỗng (id must be a non-empty string)")
    if not isinstance(q.get("question"), str) or not q.get("question", "").strip():
        out.append("'question' phải là chuỗi khác rỗng (question must be a non-empty string)")
    for key in OPTIONAL_KEYS:
        if key in q and not (isinstance(q[key], list) and all(isinstance(x, str) and x.strip() for x in q[key])):
            out.append(f"'{key}' phải là danh sách chuỗi khác rỗng ({key} must be a list of non-empty strings)")
    cites = q.get("citations")
    cites_ok = isinstance(cites, list) and all(
        isinstance(c, Mapping) and set(c) == {"doc", "quote"} and isinstance(c["doc"], str) and c["doc"]
        and isinstance(c["quote"], str) and c["quote"].strip() for c in cites)
    if "citations" in q and not cites_ok:
        out.append("'citations' phải là danh sách {\"doc\", \"quote\"} với chuỗi khác rỗng "
                   "(citations must be a list of {doc, quote} with non-empty strings)")
    qtype, gold = q.get("type"), q.get("answer")
    if qtype not in QUESTION_TYPES:
        out.append(f"loại câu hỏi '{qtype}' không hợp lệ, chọn {' | '.join(QUESTION_TYPES)} (unknown type)")
        return out
    if qtype == "number" and not _is_number(gold):
        out.append(f"câu số liệu: đáp án phải là một số, nhận {json.dumps(gold, ensure_ascii=False)} "
                   "(number: answer must be a number)")
    elif qtype == "set":
        if not (isinstance(gold, list) and gold and all(isinstance(u, str) and u.strip() for u in gold)):
            out.append("câu tập đơn vị: đáp án phải là danh sách tên đơn vị khác rỗng "
                       "(set: answer must be a non-empty list of unit names)")
        else:
            folded = [fold_accents(u) for u in gold]
            dup = sorted({u for u, f in zip(gold, folded, strict=True) if folded.count(f) > 1})
            if dup:
                out.append(f"câu tập đơn vị: đơn vị lặp lại {', '.join(dup)} (set: duplicate units)")
    elif qtype == "text":
        if not (isinstance(gold, list) and gold and all(
                isinstance(f, list) and f and all(isinstance(s, str) and s.strip() for s in f) for f in gold)):
            out.append("câu nội dung: đáp án phải là danh sách ý, mỗi ý là danh sách chuỗi khác rỗng "
                       "(text: answer must be a non-empty list of facts, each a non-empty list of strings)")
    elif qtype == "none":
        if gold is not None:
            out.append("câu không có trong báo cáo: đáp án phải là null (none: answer must be null)")
        if cites:
            out.append("câu không có trong báo cáo: không được có trích dẫn (none: no citations allowed)")
    if qtype != "none" and cites_ok and not cites:
        out.append("câu có đáp án phải có ít nhất một trích dẫn (an answerable question needs a citation)")
    tags = q.get("tags") if isinstance(q.get("tags"), list) else []
    for tag in tags:
        if isinstance(tag, str) and tag.startswith("gold:") and tag not in GOLD_TAGS:
            out.append(f"nhãn ngoại lệ '{tag}' không được hỗ trợ, chỉ có {', '.join(sorted(GOLD_TAGS))} "
                       "(unknown gold exception tag)")
    if COUNT_OF_UNITS in tags and qtype != "number":
        out.append(f"nhãn '{COUNT_OF_UNITS}' chỉ dùng cho câu số liệu ({COUNT_OF_UNITS} is for number questions)")
    if UNITS_FROM_GAZETTEER in tags and qtype != "set":
        out.append(f"nhãn '{UNITS_FROM_GAZETTEER}' chỉ dùng cho câu tập đơn vị "
                   f"({UNITS_FROM_GAZETTEER} is for set questions)")
    return out


def check_nfc(q: Mapping[str, Any]) -> list[str]:
    bad = [s for s in _strings(dict(q)) if not _is_nfc(s)]
    return [f"chuỗi không ở dạng Unicode NFC: {_short(s)!r} (not NFC)" for s in bad[:3]]


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _valid_citations(q: Mapping[str, Any]) -> list[Mapping[str, str]]:
    cites = q.get("citations")
    if not isinstance(cites, list):
        return []
    return [c for c in cites if isinstance(c, Mapping) and isinstance(c.get("doc"), str)
            and isinstance(c.get("quote"), str) and c["quote"].strip()]


def check_citations(q: Mapping[str, Any], corpus: Corpus) -> tuple[list[str], dict[str, str]]:
    """(problems, doc id -> text of every cited document that could be read)."""
    out: list[str] = []
    texts: dict[str, str] = {}
    for c in _valid_citations(q):
        doc, quote = c["doc"], c["quote"]
        try:
            text = texts[doc] if doc in texts else corpus.text(doc)
        except KeyError:
            out.append(f"tài liệu '{doc}' không có trong {display_path(corpus.root)} (cited doc not in the corpus)")
            continue
        except LoadError as exc:
            out.append(f"không đọc được tài liệu '{doc}': {exc.reason} (cited doc unreadable)")
            continue
        texts[doc] = text
        if quote not in text:
            hint = (" — chỉ khớp khi bỏ qua hoa/thường và khoảng trắng (matches only case/whitespace-insensitively)"
                    if contains(text, quote) else "")
            out.append(f"trích dẫn không phải chuỗi con nguyên văn của '{doc}': {_short(quote)!r}{hint} "
                       "(quote is not an exact substring)")
    return out, texts


def _tags(q: Mapping[str, Any]) -> list[str]:
    tags = q.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def check_number(q: Mapping[str, Any]) -> list[str]:
    gold = q.get("answer")
    if q.get("type") != "number" or not _is_number(gold):
        return []
    cites = _valid_citations(q)
    if COUNT_OF_UNITS in _tags(q):
        docs = {c["doc"] for c in cites}
        if not numbers_equal(float(gold), float(len(docs))):
            return [f"đáp án {gold} khác số tài liệu được trích dẫn ({len(docs)}) ({COUNT_OF_UNITS}: "
                    "gold must equal the number of distinct cited docs)"]
        return []
    for c in cites:
        for _written, readings in extract_numbers(c["quote"]):
            if any(numbers_equal(r, float(gold)) for r in readings):
                return []
    return [f"số {gold} không có trong trích dẫn nào (gold number not in any quote; "
            f"nếu là số đếm đơn vị, thêm nhãn '{COUNT_OF_UNITS}')"]


def check_text(q: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    gold = q.get("answer")
    if q.get("type") != "text" or not isinstance(gold, list) or not texts:
        return []
    out = []
    for i, fact in enumerate(gold, 1):
        if not isinstance(fact, list):
            continue
        alts = [a for a in fact if isinstance(a, str) and a.strip()]
        if not any(contains(t, a) for a in alts for t in texts.values()):
            shown = " / ".join(_short(a, 40) for a in alts)
            out.append(f"ý thứ {i} ({shown}) không có trong tài liệu được trích dẫn nào "
                       f"(fact {i} not found in any cited document)")
    return out


def _names(unit: str, text_folded: str) -> bool:
    key = re.escape(fold_accents(" ".join(unit.split()))).replace(r"\ ", r"\s+")
    return re.search(r"(?<!\w)" + key + r"(?!\w)", text_folded) is not None


def check_set(q: Mapping[str, Any], texts: Mapping[str, str], corpus: Corpus | None = None) -> list[str]:
    gold = q.get("answer")
    if q.get("type") != "set" or not isinstance(gold, list):
        return []
    folded = [fold_accents(t) for t in texts.values()]
    missing = [u for u in gold if isinstance(u, str) and u.strip() and not any(_names(u, f) for f in folded)]
    if missing and UNITS_FROM_GAZETTEER in _tags(q) and corpus is not None:
        everywhere = corpus.folded_texts()
        unknown = [u for u in missing if not any(_names(u, f) for f in everywhere)]
        if unknown:
            return [f"đơn vị không được nêu trong tài liệu nào của kho: {', '.join(unknown)} "
                    f"({UNITS_FROM_GAZETTEER}: gold unit named in no document of the corpus)"]
        return []
    if missing:
        return [f"đơn vị không có trích dẫn nào nêu tên: {', '.join(missing)} "
                "(gold unit without a citation naming it)"]
    return []


def check_question(q: Mapping[str, Any], corpus: Corpus) -> list[str]:
    """Every problem of one parsed question line (empty list: the line is good)."""
    out = check_shape(q) + check_nfc(q)
    cite_problems, texts = check_citations(q, corpus)
    out += cite_problems
    out += check_number(q)
    out += check_text(q, texts)
    out += check_set(q, texts, corpus)
    return out


# ---------------------------------------------------------------- files and suites


def check_file(path: Path, corpus: Corpus) -> list[Problem]:
    shown = display_path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(shown, 0, "", f"không đọc được tệp câu hỏi (cannot read the question file): {exc}")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    count = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        count += 1
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(shown, n, "", f"dòng JSON không hợp lệ (invalid JSON): {exc.msg}"))
            continue
        if not isinstance(q, dict):
            problems.append(Problem(shown, n, "", "dòng phải là một đối tượng JSON (line must be a JSON object)"))
            continue
        qid = q.get("id") if isinstance(q.get("id"), str) else ""
        if qid in seen:
            problems.append(Problem(shown, n, qid, f"mã câu hỏi trùng với dòng {seen[qid]} (duplicate id)"))
        elif qid:
            seen[qid] = n
        problems += [Problem(shown, n, qid, r) for r in check_question(q, corpus)]
    if count == 0:
        problems.append(Problem(shown, 0, "", "tệp câu hỏi rỗng (empty question file)"))
    return problems


def check_suite(suite: Suite) -> tuple[list[Problem], dict[str, int]]:
    """(every problem, number of question lines per file)."""
    corpora: dict[Path, Corpus] = {}
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    for entry in suite.entries:
        key = entry.corpus.resolve()
        if key not in corpora:
            corpora[key] = Corpus(entry.corpus)
        corpus = corpora[key]
        shown = display_path(entry.questions)
        if not len(corpus):
            problems.append(Problem(shown, 0, "", f"không có tài liệu trong {display_path(entry.corpus)} "
                                    "(no documents in the corpus)"))
            continue
        problems += check_file(entry.questions, corpus)
        try:
            counts[shown] = sum(1 for line in entry.questions.read_text(encoding="utf-8").splitlines()
                                if line.strip())
        except (OSError, UnicodeDecodeError):
            counts[shown] = 0
    return problems, counts


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m eval.goldcheck",
                                description="Kiểm tra đáp án vàng với văn bản báo cáo / check every gold "
                                            "answer against the corpus text.")
    p.add_argument("questions", nargs="*", type=Path, help="JSONL question files (default: the suite)")
    p.add_argument("--corpus", nargs="+", type=Path, default=None,
                   help="corpus folder: one for every file, or one per file")
    p.add_argument("--suite", type=Path, default=None, help=f"suite TOML (default {display_path(DEFAULT_SUITE)})")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.questions:
            if args.suite:
                raise SuiteError("dùng tệp câu hỏi hoặc --suite, không dùng cả hai (files or --suite, not both)")
            if not args.corpus:
                raise SuiteError("cần --corpus cho các tệp câu hỏi (--corpus is required with question files)")
            suite = from_cli(args.questions, args.corpus)
        else:
            if args.corpus:
                raise SuiteError("--corpus chỉ dùng kèm tệp câu hỏi (--corpus needs question files)")
            suite = load_suite(args.suite or DEFAULT_SUITE)
        for e in suite.entries:
            if not e.questions.is_file():
                raise SuiteError(f"{display_path(e.questions)}: không tìm thấy tệp câu hỏi (question file not found)")
            if not e.corpus.exists():
                raise SuiteError(f"{display_path(e.corpus)}: không tìm thấy thư mục báo cáo (corpus not found)")
    except SuiteError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    problems, counts = check_suite(suite)
    for p in problems:
        print(p)
    total = sum(counts.values())
    if problems:
        print(f"{len(problems)} lỗi trong {total} câu hỏi của {len(counts)} tệp "
              f"({len(problems)} problems in {total} questions, {len(counts)} files)", file=sys.stderr)
        return 1
    print(f"Đạt: {total} câu hỏi trong {len(counts)} tệp, không có lỗi ({total} questions, {len(counts)} files, "
          "no problems)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
