"""Small text helpers shared by the answerer: match keys, sentence spans, period labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.analyzer import canonical_text, fold_accents

_SPACE_RE = re.compile(r"\s+")
# Sentence ends: ". " / "; " / "! " / "? " followed by an upper-case letter, a bullet or a digit,
# or a line break. Numbers such as "99.75" or "2,955" never split (no space after the dot).
_SENT_END_RE = re.compile(r"(?<=[.;!?…])\s+(?=[\"“(\-+•]?\s*[A-ZÀ-ỸĐ0-9])|\n+")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def match_key(text: str) -> str:
    """Accent-, tone-placement- and case-insensitive form used for matching phrases."""
    return _SPACE_RE.sub(" ", fold_accents(canonical_text(text))).strip()


def contains_phrase(haystack_key: str, phrase_key: str) -> bool:
    """Whole-word containment of an already keyed phrase."""
    if not phrase_key:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase_key)}(?!\w)", haystack_key) is not None


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int  # offset inside the paragraph text
    end: int


@lru_cache(maxsize=50_000)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """Split a paragraph into sentences with offsets (`text[s.start:s.end] == s.text`)."""
    spans: list[Span] = []
    pos = 0
    for m in _SENT_END_RE.finditer(text):
        _add_span(spans, text, pos, m.start())
        pos = m.end()
    _add_span(spans, text, pos, len(text))
    return tuple(spans)


def _add_span(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(text[start:end], start, end))


def period_phrase(period: str | None) -> str | None:
    """Human Vietnamese form of a normalised period label ("2026-Q1" -> "quý I năm 2026")."""
    if not period:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return f"tháng {int(m.group(2))} năm {m.group(1)}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        return f"quý {_ROMAN[int(m.group(2))]} năm {m.group(1)}"
    if m := re.fullmatch(r"(\d{4})-H([12])", period):
        return f"6 tháng {'đầu' if m.group(2) == '1' else 'cuối'} năm {m.group(1)}"
    if re.fullmatch(r"\d{4}", period):
        return f"năm {period}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", period):
        return f"tháng {int(m.group(2))} năm {m.group(1)} – tháng {int(m.group(4))} năm {m.group(3)}"
    return period


def unit_label(unit: str | None, unit_type: str | None) -> str:
    if not unit:
        return "đơn vị không rõ"
    return f"{unit_type} {unit}" if unit_type else unit
