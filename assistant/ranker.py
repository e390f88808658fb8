"""Sentence ranking for extractive answers.

A question is reduced to weighted terms (the lexical analyzer's terms, IDF-weighted over the
paragraphs of the store); every sentence of the candidate paragraphs is scored by the weighted
share of the question's terms it contains (plus a smaller share for its paragraph and section),
and by whether it holds the kind of value the question asks for (a percentage, a count of the
asked noun, an amount of money, a rank, a document number).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.textutil import Span, match_key, sentence_spans

if TYPE_CHECKING:
    from index.analyzer import VietnameseAnalyzer
    from ingest.models import Paragraph

# Weight of each evidence source in the base score.
SENTENCE_WEIGHT = 0.7
PARAGRAPH_WEIGHT = 0.2
SECTION_WEIGHT = 0.1
# Multipliers for the expected value kind.
MISSING_VALUE_PENALTY = 0.3
MEASURE_BONUS = 0.15

_NUM = r"\d+(?:[.,]\d+)*"
_PERCENT_RE = re.compile(rf"{_NUM}\s*%|{_NUM}\s*phần trăm", re.IGNORECASE)
_MONEY_RE = re.compile(rf"{_NUM}\s*(?:đồng|triệu|tỷ|nghìn đồng|ngàn đồng|VNĐ|vnđ|đ\b)", re.IGNORECASE)
_RANK_RE = re.compile(rf"(?:xếp hạng|hạng|thứ)\s*(?:thứ\s*)?:?\s*{_NUM}|{_NUM}\s*/\s*{_NUM}\s*(?:xã|phường|đơn vị|huyện|tỉnh)",
                      re.IGNORECASE)
_DOCNUM_RE = re.compile(r"\b\d+[a-z]?/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9-]*(?:/[A-ZĐ0-9-]+)*")
_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bnăm \d{4}\b|\b(?:19|20)\d{2}\b")
_NUMBER_RE = re.compile(rf"(?<![\w/]){_NUM}(?![\w/])")
# Nouns that follow "bao nhiêu"/"mấy" and name what is counted.
_MEASURE_AFTER_RE = re.compile(r"\b(?:bao nhieu|may|so|tong so)\s+((?:[a-z]+\s?){1,3})")
_MEASURE_STOP = {"phan", "tram", "la", "cua", "trong", "tai", "duoc", "da", "co", "thi", "nam", "thang",
                 "quy", "ty", "le", "lan"}


@dataclass(slots=True)
class ScoredSentence:
    paragraph: Paragraph
    span: Span  # offsets inside the paragraph text
    score: float
    coverage: float  # weighted share of question terms in the sentence alone
    has_value: bool  # holds a value of the expected kind

    @property
    def text(self) -> str:
        return self.span.text


class TermWeights:
    """IDF over a set of paragraphs; unknown terms get the maximum IDF."""

    def __init__(self, analyzer: VietnameseAnalyzer, texts: Iterable[str]) -> None:
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for t in set(analyzer.tokens(text)):
                df[t] = df.get(t, 0) + 1
        self.n = max(n, 1)
        self._df = df

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self._df.get(term, 0) + 0.5))


class SentenceRanker:
    def __init__(self, analyzer: VietnameseAnalyzer, weights: TermWeights) -> None:
        self.analyzer = analyzer
        self.weights = weights
        self._tokens = lru_cache(maxsize=100_000)(lambda text: frozenset(analyzer.tokens(text)))

    def query_terms(self, question: str, drop: Sequence[str] = ()) -> dict[str, float]:
        """Distinct query terms with IDF weights; terms of `drop` phrases (unit names) removed."""
        dropped: set[str] = set()
        for phrase in drop:
            dropped |= set(self.analyzer.tokens(phrase))
        terms = {t for t in self.analyzer.query_tokens(question) if t not in dropped}
        return {t: self.weights.idf(t) for t in terms}

    def rank(self, question: str, paragraphs: Sequence[Paragraph], expects: str = "text",
             drop: Sequence[str] = ()) -> list[ScoredSentence]:
        terms = self.query_terms(question, drop)
        total = sum(terms.values()) or 1.0
        measure = _asked_measure(question)
        out: list[ScoredSentence] = []
        for p in paragraphs:
            if p.kind == "heading" and expects != "text":
                continue
            p_cov = self._coverage(p.text, terms, total)
            sec_cov = self._coverage(" ".join(p.section_path[-2:]), terms, total) if p.section_path else 0.0
            for span in sentence_spans(p.text):
                s_cov = self._coverage(span.text, terms, total)
                if s_cov == 0.0:
                    continue
                base = SENTENCE_WEIGHT * s_cov + PARAGRAPH_WEIGHT * p_cov + SECTION_WEIGHT * sec_cov
                has_value = value_present(span.text, expects)
                if expects not in ("text", "name") and not has_value:
                    base *= MISSING_VALUE_PENALTY
                if measure and has_value and _has_measure(span.text, measure):
                    base += MEASURE_BONUS
                out.append(ScoredSentence(p, span, base, s_cov, has_value))
        out.sort(key=lambda s: (-s.score, len(s.span.text)))
        return out

    def _coverage(self, text: str, terms: dict[str, float], total: float) -> float:
        toks = self._tokens(text)
        return sum(w for t, w in terms.items() if t in toks) / total


def value_present(text: str, expects: str) -> bool:
    """Does the sentence hold a value of the expected kind?"""
    if expects == "percent":
        return _PERCENT_RE.search(text) is not None
    if expects == "money":
        return _MONEY_RE.search(text) is not None
    if expects == "rank":
        return _RANK_RE.search(text) is not None or re.search(rf"{_NUM}\s*/\s*{_NUM}", text) is not None
    if expects == "docnumber":
        return _DOCNUM_RE.search(text) is not None
    if expects in ("count", "duration"):
        return bool(count_numbers(text))
    return True


def count_numbers(text: str) -> list[str]:
    """Numbers in a sentence that are not parts of dates, years or document numbers."""
    masked = _DOCNUM_RE.sub(" ", text)
    masked = _DATE_RE.sub(" ", masked)
    return _NUMBER_RE.findall(masked)


def focus_value(text: str, expects: str, question: str) -> str | None:
    """The value in a sentence that answers the question, as written (e.g. "99.75%", "2,955 hồ sơ")."""
    if expects == "percent":
        m = _PERCENT_RE.findall(text)
        return m[-1].replace(" ", "") if len(m) == 1 else _nearest(text, _PERCENT_RE, question)
    if expects == "money":
        return _nearest(text, _MONEY_RE, question)
    if expects == "docnumber":
        return _nearest(text, _DOCNUM_RE, question)
    if expects in ("count", "rank"):
        measure = _asked_measure(question)
        if measure:
            key = match_key(text)
            m = re.search(rf"({_NUM})\s+{re.escape(measure)}", key)
            if m:
                return f"{m.group(1)} {_restore_words(text, measure)}"
        nums = count_numbers(text)
        return nums[0] if len(nums) == 1 else None
    return None


def _nearest(text: str, pattern: re.Pattern[str], question: str) -> str | None:
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0].group(0).strip()
    # Several values: take the one closest after the longest question phrase found in the sentence.
    key = match_key(text)
    q_words = match_key(question).split()
    best_pos = -1
    for n in range(min(5, len(q_words)), 1, -1):
        for i in range(len(q_words) - n + 1):
            pos = key.find(" ".join(q_words[i:i + n]))
            if pos >= 0:
                best_pos = pos
                break
        if best_pos >= 0:
            break
    if best_pos < 0:
        return matches[0].group(0).strip()
    after = [m for m in matches if m.start() >= best_pos]
    return (after[0] if after else matches[-1]).group(0).strip()


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
        if len(words) == 2:
            break
    return " ".join(words) or None


def _has_measure(text: str, measure: str) -> bool:
    return re.search(rf"{_NUM}\s*(?:\w+\s+)?{re.escape(measure)}", match_key(text)) is not None


def _restore_words(text: str, folded: str) -> str:
    """The accented spelling in `text` of a folded phrase (falls back to the folded form)."""
    n = len(folded.split())
    words = text.split()
    for i in range(len(words) - n + 1):
        cand = " ".join(words[i:i + n])
        if match_key(cand).strip(".,;:()") == folded:
            return cand.strip(".,;:()")
    return folded
