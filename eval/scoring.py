"""Scoring rules of docs/DESIGN.md ("The fixed question set and how it is scored"), implemented exactly.

Contract:
  * ``score_answer(question, answer, *, unit_names=None) -> dict`` scores one answer (the docs/DESIGN.md
    answer JSON, i.e. ``Answer.to_dict()``) against one gold question (a line of questions.jsonl).
  * ``score_run(questions, answers, passages=None, *, unit_names=None) -> dict[str, float]`` aggregates;
    the primary metric is ``accuracy`` (share of questions answered correctly).

The scorer is deliberately independent of the system under test: it has its own accent folding and
number reading, so a bug in the assistant's normaliser cannot make the assistant look better.

Rules (the contract), with the decisions docs/DESIGN.md leaves open written down:

number
    Correct when some number in the prose equals the gold value (relative tolerance 1e-6) and the prose
    is at most 1,500 characters. Numbers are read with Vietnamese and English separators. A token whose
    separators are ambiguous ("2,955", "2.955") has several readings (2955 and 2.955); the answer is
    correct if ANY reading equals the gold value. A scale word right after the number ("triệu" 10^6,
    "tỷ"/"tỉ" 10^9, "nghìn"/"ngàn" 10^3) adds the scaled reading ("499 triệu" -> 499000000,
    "1,5 tỷ" -> 1500000000); the bare number stays a reading too. Citation markers "[1]" are not
    numbers of the prose; digits glued to a preceding letter ("FiberEco4", "Q1") are identifiers,
    not numbers. A token with no valid grouping ("1,2,3") is read as its separate integers.
set
    The gold is a list of unit names. The units named in the prose are the known unit names (the gold
    units of the whole question file plus the units of the ingested corpus, passed as ``unit_names``)
    found in the prose, accent-insensitively, on word boundaries, longest name first, when written as
    a name (every syllable capitalised, or right after a unit-type word such as "phường", "xã",
    "P."): unit names are often common words ("tập trung thành lập" is not "Trung Thành"). Units
    named on or after a line that starts with "Lưu ý:" are not part of the answer set (agreed with
    the indicators helper: that note lists the reports that do not state the figure). Names are
    compared after accent folding, so a typo variant that differs only in diacritics ("Phù Liên") is
    the same unit. Precision, recall and F1 are reported; correct only when F1 = 1. Partial credit
    is F1.
text
    The gold is a list of facts, each a list of acceptable strings; a fact is found when one of its
    strings occurs in the prose case-insensitively (NFC, runs of whitespace collapsed). Correct when
    every fact is found; partial credit is the share found.
none
    Correct only when ``abstained`` is true. Any non-none question answered with ``abstained: true``
    is wrong (credit 0), whatever the prose says.
citations
    Per question: recall = share of gold quotes found (case-insensitive, NFC, whitespace collapsed)
    inside the text of some citation of the answer; precision = share of the answer's citations whose
    doc_id is a gold doc. Both are undefined (None) for questions without gold citations (the none
    questions); precision is also undefined when the answer cites nothing (its recall is then 0).
retrieval
    Over the ranked passages of ``retrieve`` for the question: recall@k = share of gold quotes
    contained in the text of some passage among the top k (same normalisation as citations); MRR =
    1 / rank of the first passage that contains any gold quote (0 when none of the retrieved passages
    does). Undefined for questions without gold citations.
run level
    "share of gold quotes" / "share of citations" are pooled over the whole run: recall@k and
    citation recall = gold quotes found / all gold quotes, citation precision = citations on a gold doc
    / all citations (questions with gold citations). Per-question means are reported as ``*_macro``.
    MRR is the mean over questions with gold citations. confident_wrong = share of ALL questions
    counted wrong whose answer was not an abstention (docs/DESIGN.md; a missing answer, i.e. an error, is
    not counted: it is in ``n_no_answer``); abstention_precision = of the answers that abstained, the
    share whose gold type is none (undefined when nothing abstained); abstention_recall = of the none
    questions, the share abstained. accuracy = share of questions correct;
    partial_credit = mean credit (number/none 0 or 1, set F1, text share of facts found).
    number_first_number_match is a diagnostic, not a rule: the share of number questions whose FIRST
    number in the prose is the gold value (shows whether "any number matches" is being gamed by
    answers that list many numbers).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import Any

logger = logging.getLogger(__name__)

MAX_NUMBER_PROSE_CHARS = 1500
REL_TOLERANCE = 1e-6
RECALL_KS = (1, 5, 10)
QUESTION_TYPES = ("number", "set", "text", "none")

# ---------------------------------------------------------------- normalisation


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def fold_accents(text: str) -> str:
    """Lower-case and drop Vietnamese diacritics ("Phù Liễn" -> "phu lien", "Đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def normalise_for_match(text: str) -> str:
    """NFC, lower case, whitespace runs collapsed to one space (quote / fact matching)."""
    return re.sub(r"\s+", " ", nfc(text)).strip().lower()


def contains(haystack: str, needle: str) -> bool:
    n = normalise_for_match(needle)
    return bool(n) and n in normalise_for_match(haystack)


# ---------------------------------------------------------------- numbers

_CITATION_MARKER = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
# A digit run with inner "." / "," separators, not glued to a preceding letter or digit.
_NUMBER = re.compile(r"(?<![^\W\d_])(?<!\d)\d+(?:[.,]\d+)*")
_SCALE = re.compile(r"\s*(triệu|tỷ(?!\s+lệ)|tỉ(?!\s+lệ)|nghìn|ngàn)(?!\w)", re.IGNORECASE)
_SCALES = {"triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9, "nghìn": 1e3, "ngàn": 1e3}


def read_number_token(token: str) -> set[float]:
    """Every plausible value of one number token ("2,955" -> {2955, 2.955}; "99,75" -> {99.75})."""
    groups = re.split(r"[.,]", token)
    seps = re.findall(r"[.,]", token)
    if not seps:
        return {float(token)}
    readings: set[float] = set()
    tails_are_thousands = all(len(g) == 3 for g in groups[1:])
    # 1) every separator is a thousands separator (one kind only): "120.000.000", "2,955".
    if len(set(seps)) == 1 and tails_are_thousands:
        readings.add(float("".join(groups)))
    # 2) the last separator is the decimal mark; earlier ones (of the other kind) group thousands:
    #    "99,75", "2.955", "1.234,5", "1,234.5".
    dec = seps[-1]
    earlier = seps[:-1]
    if all(s != dec for s in earlier) and len(set(earlier)) <= 1 and all(len(g) == 3 for g in groups[1:-1]):
        readings.add(float("".join(groups[:-1]) + "." + groups[-1]))
    if not readings:  # no valid grouping: "1,2,3" is a list of integers
        readings.update(float(g) for g in groups if g)
    return readings


def extract_numbers(prose: str) -> list[tuple[str, set[float]]]:
    """(token as written, readings) for every number in the prose, citation markers excluded."""
    text = _CITATION_MARKER.sub(" ", nfc(prose))
    out: list[tuple[str, set[float]]] = []
    for m in _NUMBER.finditer(text):
        readings = read_number_token(m.group(0))
        scale = _SCALE.match(text, m.end())
        written = m.group(0)
        if scale:
            factor = _SCALES[scale.group(1).lower()]
            readings |= {r * factor for r in readings}
            written = text[m.start():scale.end()].strip()
        out.append((written, readings))
    return out


def numbers_equal(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=0.0) or a == b


# ---------------------------------------------------------------- units (set questions)

_NOTE_LINE = re.compile(r"^[\s>*_\-•+#]*luu y\s*[*_]*\s*:", re.MULTILINE)


def strip_note(prose: str) -> str:
    """The prose before the first line starting with "Lưu ý:" (markdown bullets/bold allowed)."""
    folded = fold_accents(prose)  # same length as prose for NFC Vietnamese text
    m = _NOTE_LINE.search(folded)
    if m is None:
        return prose
    if len(folded) != len(nfc(prose)):  # defensive: fall back to a slower exact search
        lines = nfc(prose).splitlines(keepends=True)
        kept: list[str] = []
        for line in lines:
            if _NOTE_LINE.match(fold_accents(line)):
                break
            kept.append(line)
        return "".join(kept)
    return nfc(prose)[: m.start()]


_UNIT_TYPE_BEFORE = re.compile(r"(?<!\w)(?:phuong|xa|thi tran|p\.|x\.|tt\.)\s*$")


def _is_proper(span: str) -> bool:
    return all(word[0].isupper() for word in span.split() if word[0].isalpha())


_TYPE_WORDS_ACCENTED = frozenset({"phường", "xã", "thị"})


class UnitVocabulary:
    """Known unit names, matched accent- and case-insensitively on word boundaries."""

    def __init__(self, names: Iterable[str] = (), variants: Mapping[str, str] | None = None) -> None:
        self._canonical: dict[str, str] = {}  # folded surface -> canonical (display) name
        self._spellings: dict[str, set[str]] = {}  # folded surface -> accented spellings, lower case
        for name in names:
            self.add(name)
        for surface, canonical in (variants or {}).items():
            self.add(surface, canonical)

    def add(self, surface: str, canonical: str | None = None) -> None:
        surface = re.sub(r"\s+", " ", nfc(surface)).strip()
        if not surface:
            return
        key = fold_accents(surface)
        canon = nfc(canonical).strip() if canonical else surface
        # the canonical of an already known surface wins (gold spelling first)
        self._canonical.setdefault(key, self._canonical.get(fold_accents(canon), canon))
        self._spellings.setdefault(key, set()).update({surface.lower(), self._canonical[key].lower()})

    def __len__(self) -> int:
        return len(self._canonical)

    def copy(self) -> UnitVocabulary:
        clone = UnitVocabulary()
        clone._canonical = dict(self._canonical)
        clone._spellings = {k: set(v) for k, v in self._spellings.items()}
        return clone

    def __contains__(self, name: str) -> bool:
        return fold_accents(name) in self._canonical

    def canonical(self, name: str) -> str:
        return self._canonical.get(fold_accents(name), nfc(name))

    def find(self, prose: str) -> list[str]:
        """Canonical names of the known units named in the prose, in order of first mention.

        A match names a unit when it is written as a proper noun (every syllable capitalised, e.g.
        "Trung Thành", "TRUNG THÀNH") or follows a unit-type word ("phường trung thanh", "P. Trung
        Thành"): many unit names are also common words ("tập trung thành lập", "thống nhất").
        """
        original = nfc(prose)
        folded = fold_accents(original)
        aligned = len(folded) == len(original)
        taken = [False] * len(folded)
        found: list[tuple[int, str]] = []
        for key in sorted(self._canonical, key=len, reverse=True):
            pattern = re.compile(r"(?<!\w)" + re.escape(key).replace(r"\ ", r"\s+") + r"(?!\w)")
            for m in pattern.finditer(folded):
                if any(taken[m.start():m.end()]):
                    continue
                written = original[m.start():m.end()]
                if aligned and not (_is_proper(written) or _UNIT_TYPE_BEFORE.search(folded, 0, m.start())):
                    continue
                # "Phường Bình Thới" does not name the ward "Phương Bình" although both fold to
                # "phuong binh": a match that starts with an accented unit-type word must be spelled
                # as the unit is (typos elsewhere in a name stay tolerated).
                if aligned and written.split()[0].lower() in _TYPE_WORDS_ACCENTED and \
                        " ".join(written.lower().split()) not in self._spellings[key]:
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                found.append((m.start(), self._canonical[key]))
        seen: dict[str, None] = {}
        for _, name in sorted(found):
            seen.setdefault(fold_accents(name), None)
        return [self.canonical(k) for k in seen]


def gold_units(questions: Iterable[Mapping[str, Any]]) -> list[str]:
    """The union of the gold unit names of every set question."""
    names: dict[str, str] = {}
    for q in questions:
        if q.get("type") == "set":
            for name in q.get("answer") or []:
                names.setdefault(fold_accents(name), nfc(name))
    return list(names.values())


def units_named(prose: str, vocabulary: UnitVocabulary) -> list[str]:
    return vocabulary.find(strip_note(prose))


# ---------------------------------------------------------------- per-question scoring


def _prf(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    p_set = {fold_accents(x) for x in predicted}
    g_set = {fold_accents(x) for x in gold}
    tp = len(p_set & g_set)
    precision = tp / len(p_set) if p_set else (1.0 if not g_set else 0.0)
    recall = tp / len(g_set) if g_set else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def citation_scores(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    gold = question.get("citations") or []
    cites = answer.get("citations") or []
    if not gold:
        return {"citation_recall": None, "citation_precision": None}
    found = sum(1 for g in gold if any(contains(c.get("text", ""), g["quote"]) for c in cites))
    gold_docs = {g["doc"] for g in gold}
    on_gold_doc = sum(1 for c in cites if c.get("doc_id") in gold_docs)
    return {"citation_recall": found / len(gold),
            "citation_precision": on_gold_doc / len(cites) if cites else None,
            "gold_quotes": len(gold), "quotes_cited": found,
            "citations": len(cites), "citations_on_gold_doc": on_gold_doc}


def retrieval_scores(question: Mapping[str, Any], passages: Sequence[Mapping[str, Any]] | None,
                     ks: Sequence[int] = RECALL_KS) -> dict[str, Any]:
    gold = question.get("citations") or []
    keys = [f"recall@{k}" for k in ks] + ["mrr"]
    if not gold or passages is None:
        return dict.fromkeys(keys)
    texts = [normalise_for_match(p.get("text", "")) for p in passages]
    quotes = [normalise_for_match(g["quote"]) for g in gold]
    first_rank = [next((i for i, t in enumerate(texts) if q in t), None) for q in quotes]
    out: dict[str, Any] = {"gold_quotes": len(quotes)}
    for k in ks:
        hits = sum(1 for r in first_rank if r is not None and r < k)
        out[f"recall@{k}"] = hits / len(quotes)
        out[f"hits@{k}"] = hits
    ranks = [r for r in first_rank if r is not None]
    out["mrr"] = 1.0 / (min(ranks) + 1) if ranks else 0.0
    out["first_hit_rank"] = min(ranks) + 1 if ranks else None
    return out


def score_answer(question: Mapping[str, Any], answer: Mapping[str, Any] | None, *,
                 unit_names: UnitVocabulary | Iterable[str] | None = None) -> dict[str, Any]:
    """Score one answer. Returns {"id", "type", "correct", "credit", ...type details, citation scores}."""
    qtype = question.get("type")
    if qtype not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {qtype!r} for {question.get('id')}")
    no_answer = answer is None
    answer = answer or {"answer": "", "abstained": False, "citations": [], "error": "no answer"}
    prose = nfc(answer.get("answer") or "")
    abstained = bool(answer.get("abstained"))
    gold = question.get("answer")
    res: dict[str, Any] = {"id": question.get("id"), "type": qtype, "abstained": abstained,
                           "correct": False, "credit": 0.0}
    if no_answer:
        res["no_answer"] = True
    if qtype == "none":
        res["correct"] = abstained
        res["credit"] = 1.0 if abstained else 0.0
    elif abstained:
        res["reason"] = "abstained on an answerable question"
    elif qtype == "number":
        numbers = extract_numbers(prose)
        hit = next((w for w, rs in numbers if any(numbers_equal(r, float(gold)) for r in rs)), None)
        too_long = len(prose) > MAX_NUMBER_PROSE_CHARS
        first = numbers[0][1] if numbers else set()
        res.update(matched=hit, prose_chars=len(prose), too_long=too_long, n_numbers=len(numbers),
                   first_number_match=any(numbers_equal(r, float(gold)) for r in first))
        res["correct"] = hit is not None and not too_long
        res["credit"] = 1.0 if res["correct"] else 0.0
        if too_long:
            res["reason"] = f"prose longer than {MAX_NUMBER_PROSE_CHARS} characters"
        elif hit is None:
            res["reason"] = "gold number not in the prose"
    elif qtype == "set":
        vocab = (unit_names.copy() if isinstance(unit_names, UnitVocabulary)
                 else UnitVocabulary(unit_names or ()))
        for name in gold or []:
            if name not in vocab:
                vocab.add(name)
        predicted = units_named(prose, vocab)
        precision, recall, f1 = _prf(predicted, gold or [])
        gold_keys = {fold_accents(g) for g in gold or []}
        pred_keys = {fold_accents(p) for p in predicted}
        res.update(predicted=predicted, precision=precision, recall=recall, f1=f1,
                   extra=[p for p in predicted if fold_accents(p) not in gold_keys],
                   missing=[g for g in gold or [] if fold_accents(g) not in pred_keys])
        res["correct"] = f1 == 1.0
        res["credit"] = f1
    else:  # text
        facts = gold or []
        found = [any(contains(prose, alt) for alt in fact) for fact in facts]
        res.update(facts_found=sum(found), facts_total=len(facts),
                   missing=[fact[0] for fact, ok in zip(facts, found, strict=True) if not ok])
        res["credit"] = sum(found) / len(facts) if facts else 0.0
        res["correct"] = bool(facts) and all(found)
    res.update(citation_scores(question, answer))
    return res


# ---------------------------------------------------------------- run aggregation


def _align(questions: Sequence[Mapping[str, Any]], items: Any) -> list[Any]:
    if items is None:
        return [None] * len(questions)
    if isinstance(items, Mapping):
        return [items.get(q["id"]) for q in questions]
    items = list(items)
    if len(items) != len(questions):
        raise ValueError(f"{len(items)} items for {len(questions)} questions")
    return items


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return fmean(vals) if vals else None


def score_details(questions: Sequence[Mapping[str, Any]], answers: Any, passages: Any = None, *,
                  unit_names: UnitVocabulary | Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Per-question scores (answers/passages: lists aligned with questions or dicts keyed by id)."""
    vocab = (unit_names.copy() if isinstance(unit_names, UnitVocabulary)
             else UnitVocabulary(unit_names or ()))
    for name in gold_units(questions):
        if name not in vocab:
            vocab.add(name)
    ans = _align(questions, answers)
    pas = _align(questions, passages)
    rows = []
    for q, a, p in zip(questions, ans, pas, strict=True):
        row = score_answer(q, a, unit_names=vocab) if answers is not None else {
            "id": q.get("id"), "type": q.get("type")}
        row.update(retrieval_scores(q, p))
        rows.append(row)
    return rows


def _ratio(rows: Sequence[Mapping[str, Any]], num: str, den: str, require: str | None = None) -> float | None:
    """sum(num) / sum(den) over the rows where num is defined (and `require` is not None)."""
    used = [r for r in rows if r.get(num) is not None and (require is None or r.get(require) is not None)]
    total = sum(r[den] for r in used)
    return sum(r[num] for r in used) / total if total else None


def is_confident_wrong(row: Mapping[str, Any]) -> bool:
    """A question counted wrong whose answer was given, not an abstention (docs/DESIGN.md): a wrong value,
    set or fact given as an answer, or any answer to a none question. A question whose answer is
    missing (the assistant raised, ``no_answer``) misleads nobody and is counted under errors."""
    return not row["correct"] and not row.get("abstained") and not row.get("no_answer")


def decision_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Counts behind the confident-wrong rate and abstention precision / recall (poolable across runs)."""
    nones = [r for r in rows if r["type"] == "none"]
    return {"n_correct": float(sum(1 for r in rows if r["correct"])),
            "n_confident_wrong": float(sum(1 for r in rows if is_confident_wrong(r))),
            "n_confident_wrong_none": float(sum(1 for r in nones if is_confident_wrong(r))),
            "n_abstained": float(sum(1 for r in rows if r.get("abstained"))),
            "n_abstained_none": float(sum(1 for r in nones if r.get("abstained"))),
            "n_no_answer": float(sum(1 for r in rows if r.get("no_answer"))),
            "n_none": float(len(nones))}


def aggregate(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Run-level numbers from per-question rows; metrics that are undefined everywhere are omitted."""
    out: dict[str, float | None] = {"n": float(len(rows))}
    if rows and "correct" in rows[0]:
        out["accuracy"] = _mean(1.0 if r["correct"] else 0.0 for r in rows)
        out["partial_credit"] = _mean(r["credit"] for r in rows)
        for t in QUESTION_TYPES:
            sub = [r for r in rows if r["type"] == t]
            if sub:
                out[f"accuracy_{t}"] = _mean(1.0 if r["correct"] else 0.0 for r in sub)
                out[f"partial_credit_{t}"] = _mean(r["credit"] for r in sub)
                out[f"n_{t}"] = float(len(sub))
        nums = [r for r in rows if r["type"] == "number"]
        if nums:  # diagnostic only (not a docs/DESIGN.md rule): is the FIRST number of the prose the gold one?
            out["number_first_number_match"] = _mean(1.0 if r.get("first_number_match") else 0.0 for r in nums)
        sets = [r for r in rows if r["type"] == "set" and "f1" in r]
        if sets:
            out["set_precision"] = _mean(r["precision"] for r in sets)
            out["set_recall"] = _mean(r["recall"] for r in sets)
            out["set_f1"] = _mean(r["f1"] for r in sets)
        # pooled over all gold quotes / all citations (see the module docstring); per-question means too
        out["citation_recall"] = _ratio(rows, "quotes_cited", "gold_quotes")
        out["citation_precision"] = _ratio(rows, "citations_on_gold_doc", "citations")
        out["citation_recall_macro"] = _mean(r.get("citation_recall") for r in rows)
        out["citation_precision_macro"] = _mean(r.get("citation_precision") for r in rows)
        answerable = [r for r in rows if r["type"] != "none"]
        nones = [r for r in rows if r["type"] == "none"]
        out["abstention_recall"] = _mean(1.0 if r["abstained"] else 0.0 for r in nones)
        out["false_abstention_rate"] = _mean(1.0 if r["abstained"] else 0.0 for r in answerable)
        out.update(decision_counts(rows))
        abstained = out["n_abstained"]
        out["abstention_precision"] = out["n_abstained_none"] / abstained if abstained else None
        out["confident_wrong"] = out["n_confident_wrong"] / len(rows)
    for k in RECALL_KS:
        out[f"recall@{k}"] = _ratio(rows, f"hits@{k}", "gold_quotes", require=f"recall@{k}")
        out[f"recall@{k}_macro"] = _mean(r.get(f"recall@{k}") for r in rows)
    out["mrr"] = _mean(r.get("mrr") for r in rows)
    return {k: float(v) for k, v in out.items() if v is not None}


def score_run(questions: Sequence[Mapping[str, Any]], answers: Any, passages: Any = None, *,
              unit_names: UnitVocabulary | Iterable[str] | None = None) -> dict[str, float]:
    """Aggregate scores of a run; ``accuracy`` is the primary metric.

    ``answers`` (and optional ``passages``, each a ranked list of retrieve-contract dicts) are lists
    aligned with ``questions`` or dicts keyed by question id; ``answers=None`` scores retrieval only.
    """
    return aggregate(score_details(questions, answers, passages, unit_names=unit_names))
