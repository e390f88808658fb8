"""Sentence ranking for extractive answers.

A question is reduced to weighted terms (folded syllables and their bigrams, abbreviations
expanded, IDF-weighted over the paragraphs of the store); every sentence of the candidate paragraphs is scored by the weighted
share of the question's terms it contains (plus a smaller share for its paragraph and section),
and by whether it holds the kind of value the question asks for (a percentage, a count of the
asked noun, an amount of money, a rank, a document number).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.textutil import Span, match_key, sentence_spans
from index.analyzer import ABBREVIATIONS

if TYPE_CHECKING:
    from ingest.models import Paragraph

# Weight of each evidence source in the base score.
SENTENCE_WEIGHT = 0.7
PARAGRAPH_WEIGHT = 0.2
SECTION_WEIGHT = 0.1
# Multipliers for the expected value kind.
MISSING_VALUE_PENALTY = 0.3
MEASURE_BONUS = 0.15
WINDOW_WEIGHT = 0.4  # how well the words just before the value match the question
LABEL_WINDOW_CHARS = 70
LABEL_AFTER_CHARS = 45
NEGATION_FACTOR = 0.3
_CLAUSE_BREAK_RE = re.compile(r"[;:(]|\. ")  # the label of a value: this many characters before it
BIGRAM_WEIGHT = 0.5  # a bigram of the question found in order counts half its syllables again

_NUM = r"\d+(?:[.,]\d+)*"
_PERCENT_RE = re.compile(rf"{_NUM}\s*%|{_NUM}\s*phần trăm", re.IGNORECASE)
_MONEY_RE = re.compile(rf"{_NUM}\s*(?:đồng|triệu|tỷ|nghìn đồng|ngàn đồng|VNĐ|vnđ|đ\b)", re.IGNORECASE)
_RANK_RE = re.compile(rf"(?:xếp hạng|hạng|thứ)\s*(?:thứ\s*)?:?\s*{_NUM}|{_NUM}\s*/\s*{_NUM}\s*(?:xã|phường|đơn vị|huyện|tỉnh)",
                      re.IGNORECASE)
_DOCNUM_RE = re.compile(r"\b\d+[a-z]?/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9-]*(?:/[A-ZĐ0-9-]+)*")
_DATE_RE = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?:/\d{2,4})?\b|\bnăm \d{4}\b|\b(?:19|20)\d{2}\b")
# A number may touch a lower-case word ("2,871hồ sơ" is a typo) but not a code ("5G", "57-NQ").
_NUMBER_RE = re.compile(rf"(?<![\w/.,]){_NUM}(?:/{_NUM})?(?![\d/A-ZĐ-]|[.,]\d)")
_NEGATION_RE = re.compile(r"\b(?:chua|khong|chang)\b")
_FRACTION_RE = re.compile(rf"{_NUM}\s*/\s*{_NUM}")
# Nouns that follow "bao nhiêu"/"mấy" and name what is counted.
_MEASURE_AFTER_RE = re.compile(r"\b(?:bao nhieu|may|so|tong so)\s+((?:[a-z]+\s?){1,3})")
_MEASURE_STOP = {"phan", "tram", "la", "cua", "trong", "tai", "duoc", "da", "co", "thi", "nam", "thang",
                 "quy", "ty", "le", "lan"}


@dataclass(slots=True)
class ScoredSentence:
    paragraph: Paragraph
    span: Span  # offsets inside the paragraph text
    score: float
    coverage: float  # weighted share of question terms in the sentence's own words
    has_value: bool  # holds a value of the expected kind
    focus: str | None = None  # the value that answers the question, as written ("99.75%")
    on_topic: bool | None = None  # set by the answerer: states the question's indicator (None = unknown)

    @property
    def text(self) -> str:
        return self.span.text


_QUERY_STOP = frozenset({
    "bao", "nhieu", "gi", "nao", "may", "sao", "the", "ai", "la", "cua", "o", "tai", "trong", "co", "duoc",
    "da", "thi", "con", "hay", "cho", "biet", "nhung", "cac", "va", "voi", "ve", "theo", "tu", "den",
    "khoang", "hien", "nay", "dat", "nhu", "vay", "a", "nhi"})
_RATE_WORDS = frozenset({"ty", "le", "ti", "phan", "tram"})
_TOKEN_RE = re.compile(r"\d+(?:[/.,]\d+)*|[a-z]+")
_PHRASE_SPLIT_RE = re.compile(r"[,;:.()\[\]“”\"!?\n\t]+")
_ABBR_RE = re.compile(r"(?<!\w)(" + "|".join(sorted((re.escape(k) for k in ABBREVIATIONS), key=len, reverse=True))
                      + r")(?!\w)", re.IGNORECASE)


def _expand_abbreviations(text: str) -> str:
    """Append the expansion after each administrative abbreviation ("TTHC" -> "TTHC thủ tục hành chính")."""
    return _ABBR_RE.sub(lambda m: f"{m.group(0)} {ABBREVIATIONS[m.group(0).lower()][0]}", text)


def _norm_token(tok: str) -> str:
    if "/" in tok and tok.replace("/", "").isdigit():  # dates and fractions: "01/7/2025" == "1/7/2025"
        return "/".join(part.lstrip("0") or "0" for part in tok.split("/"))
    return tok


@lru_cache(maxsize=200_000)
def text_terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(syllables, bigrams) of a text: folded, abbreviations expanded, dates normalised."""
    key = match_key(_expand_abbreviations(text))
    syllables: set[str] = set()
    bigrams: set[str] = set()
    for phrase in _PHRASE_SPLIT_RE.split(key):
        toks = [_norm_token(t) for t in _TOKEN_RE.findall(phrase)]
        syllables.update(toks)
        bigrams.update(f"{a} {b}" for a, b in itertools.pairwise(toks))
    return frozenset(syllables), frozenset(bigrams)


class TermWeights:
    """IDF of folded syllables over a sample of paragraphs; unknown syllables get the maximum IDF."""

    def __init__(self, texts: Iterable[str]) -> None:
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for t in text_terms(text)[0]:
                df[t] = df.get(t, 0) + 1
        self.n = max(n, 1)
        self._df = df

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self._df.get(term, 0) + 0.5))


@dataclass(frozen=True, slots=True)
class QueryTerms:
    syllables: dict[str, float]  # syllable -> weight
    bigrams: dict[str, float]  # "a b" -> weight
    total: float


class SentenceRanker:
    def __init__(self, weights: TermWeights) -> None:
        self.weights = weights

    def query_terms(self, question: str, drop: Sequence[str] = ()) -> QueryTerms:
        """Weighted syllables and bigrams of a question, without question words and `drop` phrases
        (unit names, framing words), which are removed where they occur as whole phrases."""
        drop_seqs = sorted({tuple(_TOKEN_RE.findall(match_key(d))) for d in drop} - {()}, key=len, reverse=True)
        key = match_key(_expand_abbreviations(question))
        syl: dict[str, float] = {}
        big: dict[str, float] = {}
        for phrase in _PHRASE_SPLIT_RE.split(key):
            toks: list[str | None] = [_norm_token(t) for t in _TOKEN_RE.findall(phrase)]
            i = 0
            while i < len(toks):
                for seq in drop_seqs:
                    if tuple(toks[i:i + len(seq)]) == seq:
                        toks[i:i + len(seq)] = [None] * len(seq)
                        i += len(seq) - 1
                        break
                i += 1
            kept = [t if t is not None and t not in _QUERY_STOP else None for t in toks]
            for t in kept:
                if t is not None:
                    syl[t] = self.weights.idf(t)
            for a, b in itertools.pairwise(kept):
                if a is not None and b is not None:
                    big[f"{a} {b}"] = BIGRAM_WEIGHT * (syl[a] + syl[b]) / 2
        return QueryTerms(syl, big, (sum(syl.values()) + sum(big.values())) or 1.0)

    def _label_coverage(self, text: str, m: re.Match[str], q: QueryTerms, satisfied: frozenset[str],
                        negated_q: bool, neighbours: Sequence[re.Match[str]]) -> float:
        window = _label_window(text, m, neighbours)
        cov = self.coverage(window, q, satisfied)
        # "chưa hoàn thành: 0 nhiệm vụ" does not answer "đã hoàn thành bao nhiêu nhiệm vụ".
        if not negated_q and _NEGATION_RE.search(match_key(text[max(0, m.start() - 30):m.start()])):
            cov *= NEGATION_FACTOR
        return cov

    def coverage(self, text: str, q: QueryTerms, satisfied: frozenset[str] = frozenset()) -> float:
        syl, big = text_terms(text)
        got = sum(w for t, w in q.syllables.items() if t in syl or t in satisfied)
        got += sum(w for t, w in q.bigrams.items() if t in big)
        return got / q.total

    def rank(self, question: str, paragraphs: Sequence[Paragraph], expects: str = "text",
             drop: Sequence[str] = ()) -> list[ScoredSentence]:
        q = self.query_terms(question, drop)
        measure = _asked_measure(question)
        negated_q = bool(_NEGATION_RE.search(match_key(question)))
        out: list[ScoredSentence] = []
        for p in paragraphs:
            if p.kind == "heading" and expects != "text":
                continue
            p_cov = self.coverage(p.text, q)
            sec_cov = self.coverage(" ".join(p.section_path[-2:]), q) if p.section_path else 0.0
            row_number_end = _row_number_end(p)
            for span in sentence_spans(p.text):
                values = [m for m in value_matches(span.text, expects) if span.start + m.start() >= row_number_end]
                has_value = bool(values) or expects in ("text", "name")
                # A percentage in the sentence answers "tỷ lệ"/"phần trăm" even when the word is absent.
                satisfied = _RATE_WORDS if expects == "percent" and values else frozenset()
                s_cov = self.coverage(span.text, q, satisfied)
                if s_cov == 0.0:
                    continue
                # Coverage by the sentence's own words (a bare "%" does not make it about the topic).
                content_cov = self.coverage(span.text, q) if satisfied else s_cov
                base = SENTENCE_WEIGHT * s_cov + PARAGRAPH_WEIGHT * p_cov + SECTION_WEIGHT * sec_cov
                focus: str | None = None
                neighbours = values
                if values and measure and expects == "count":
                    # "bao nhiêu hội nghị": prefer the numbers that count that noun.
                    values = [m for m in values if _counts(span.text, m, measure)] or values
                if values:
                    # The value whose label (the words around it) best matches the question.
                    win_cov, best = max(((self._label_coverage(span.text, m, q, satisfied, negated_q, neighbours), m)
                                         for m in values), key=lambda x: x[0])
                    base += WINDOW_WEIGHT * win_cov
                    focus = _value_text(span.text, best, measure if expects == "count" else None)
                    if measure and _has_measure(span.text, measure):
                        base += MEASURE_BONUS
                elif expects not in ("text", "name"):
                    base *= MISSING_VALUE_PENALTY
                out.append(ScoredSentence(p, span, base, content_cov, has_value, focus))
        out.sort(key=lambda s: (-s.score, len(s.span.text)))
        return out


_ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})


def _row_number_end(p: Paragraph) -> int:
    """End offset of a table row's "STT" cell (a row number, never an answer); 0 otherwise."""
    if p.kind != "table_row" or not p.cells or not p.header:
        return 0
    if match_key(p.header[0]).strip(" .") not in _ROW_NUMBER_HEADERS or not p.text.startswith(p.cells[0]):
        return 0
    return len(p.cells[0])


def value_matches(text: str, expects: str) -> list[re.Match[str]]:
    """Values of the expected kind in a sentence (empty for text/name questions)."""
    if expects == "percent":
        return list(_PERCENT_RE.finditer(text))
    if expects == "money":
        return list(_MONEY_RE.finditer(text))
    if expects == "docnumber":
        return list(_DOCNUM_RE.finditer(text))
    if expects == "rank":
        return list(_RANK_RE.finditer(text)) or list(_FRACTION_RE.finditer(text))
    if expects in ("count", "duration"):
        return count_numbers(text)
    return []


def count_numbers(text: str) -> list[re.Match[str]]:
    """Numbers (and fractions "09/17") that are not dates, years, document numbers or percentages."""
    masked = _DOCNUM_RE.sub(lambda m: " " * len(m.group(0)), text)
    masked = _DATE_RE.sub(lambda m: " " * len(m.group(0)), masked)
    return [m for m in _NUMBER_RE.finditer(masked) if not text[m.end():m.end() + 2].lstrip().startswith("%")]


def _counts(text: str, m: re.Match[str], measure: str) -> bool:
    """Is the number followed (within one word) by the counted noun?"""
    after = match_key(text[m.end(): m.end() + 40])
    before = match_key(text[max(0, m.start() - 40): m.start()])
    return any(re.match(rf"\s*(?:\w+\s+)?{re.escape(form)}\b", after) or f"{form} " in before
               for form in _measure_forms(measure))


def _measure_forms(measure: str) -> list[str]:
    """ "nha van hoa" -> ["nha van hoa", "nha van"]: the noun may be followed by a qualifier."""
    words = measure.split()
    return [" ".join(words[:n]) for n in range(len(words), min(len(words), 2) - 1, -1)]


def _label_window(text: str, m: re.Match[str], neighbours: Sequence[re.Match[str]]) -> str:
    """The words that label a value: those between it and its neighbouring values of the same kind,
    before it ("Tiếp nhận trực tuyến: 2,710") and after it ("1.615 hồ sơ tiếp nhận trực tiếp"),
    within a few dozen characters and never across a clause break after it."""
    start = max(0, m.start() - LABEL_WINDOW_CHARS)
    end = min(len(text), m.end() + LABEL_AFTER_CHARS)
    for n in neighbours:
        if n.end() <= m.start():
            start = max(start, n.end())
        elif n.start() >= m.end():
            end = min(end, n.start())
    brk = _CLAUSE_BREAK_RE.search(text, m.end(), end)
    if brk:
        end = brk.start()
    return text[start:end]


def _value_text(text: str, m: re.Match[str], measure: str | None) -> str:
    """The value as written, with the counted noun when the question named one."""
    value = text[m.start():m.end()].strip()
    if measure:
        words = text[m.end(): m.end() + 40].split()
        for form in _measure_forms(" ".join(measure.split()[:2])):
            n = len(form.split())
            if words and match_key(" ".join(words[:n])).strip(".,;:()") == form:
                return f"{value} {' '.join(words[:n]).strip('.,;:()')}"
    return value


def _asked_measure(question: str) -> str | None:
    """The counted noun of "bao nhiêu hồ sơ" (folded), or None."""
    m = _MEASURE_AFTER_RE.search(match_key(question))
    if not m:
        return None
    words = []
    for w in m.group(1).split():
        if w in _MEASURE_STOP:
            break
        words.append(w)
        if len(words) == 3:
            break
    return " ".join(words) or None


def _has_measure(text: str, measure: str) -> bool:
    key = match_key(text)
    return any(re.search(rf"{_NUM}\s*(?:\w+\s+)?{re.escape(form)}", key) for form in _measure_forms(measure))
