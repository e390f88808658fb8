"""Sentence spans of a paragraph, with exact offsets (`text[s.start:s.end] == s.text`).

One home for sentence splitting on the answer side: facts are extracted per sentence at ingest, and
the answerer quotes and highlights the same sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Sentence ends: ". " / "; " / "! " / "? " followed by an upper-case letter, a bullet or a digit,
# or a line break — unless the next line starts in lower case (a sentence broken across lines or
# pages: "... đề xuất nâng cấp lên\n\ngói “FiberEco4 IP tĩnh” ..."). Numbers such as "99.75" or
# "2,955" never split (no space after the dot).
_SENT_END_RE = re.compile(r"(?<=[.;!?…])\s+(?=[\"“(\-+•]?\s*[A-ZÀ-ỸĐ0-9])|\n+(?!\s*[a-zà-ỹđ])")


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int  # offset inside the paragraph text
    end: int


@lru_cache(maxsize=50_000)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """Split a paragraph into sentences with offsets."""
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


def clause_span(text: str, start: int, end: int, focus_start: int, focus_end: int) -> tuple[int, int]:
    """The part of the sentence `text[start:end]` between the ";" around `focus` (the value): the
    clause that holds it ("…; số hóa hồ sơ đạt 100%."), for a highlight that shows the value."""
    lo = text.rfind(";", start, focus_start)
    lo = start if lo < 0 else lo + 1
    hi = text.find(";", focus_end, end)
    hi = end if hi < 0 else hi + 1
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, hi
