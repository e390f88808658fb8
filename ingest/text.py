"""Text helpers every layer shares: accent folding, and sentence spans with exact offsets.

Accent folding has one home here. `fold_accents` removes Vietnamese (and other Latin) diacritics and
keeps case ("Phương Liễu" -> "Phuong Lieu"); `fold` is the matching form: lower case, accent-free,
non-breaking spaces as spaces, and exactly one output character per input character, so offsets found
in the folded text are offsets in the original. Both read NFC text (the loaders normalise to NFC).

Sentence splitting on the answer side also lives here (`sentence_spans`): facts are extracted per
sentence at ingest, and the answerer quotes and highlights the same sentences
(`text[s.start:s.end] == s.text`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


# --------------------------------------------------------------------------- accent folding
def _build_accent_table() -> dict[int, str]:
    """Latin, Greek and Cyrillic letters with diacritics -> their base letter, case kept; đ -> d."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in range(0x00C0, 0x1F00):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1:
            table[cp] = base
    return table


def _build_fold_table(accents: dict[int, str]) -> dict[int, str]:
    """`accents`, then lower case where that stays one character; a non-breaking space -> a space."""
    table: dict[int, str] = {}
    for cp in [*range(ord("A"), ord("Z") + 1), *range(0x00C0, 0x1F00)]:
        ch = chr(cp)
        low = accents.get(cp, ch).lower()
        if len(low) == 1 and low != ch:
            table[cp] = low
    table[0x00A0] = " "
    return table


_ACCENT_TABLE = _build_accent_table()
_FOLD_TABLE = _build_fold_table(_ACCENT_TABLE)


def fold_accents(text: str) -> str:
    """Remove diacritics, keep case: "Phương Liễu" -> "Phuong Lieu", "ĐẠT" -> "DAT"."""
    return text.translate(_ACCENT_TABLE)


def fold(text: str) -> str:
    """Lower-case, accent-free, same length as `text` (offsets are preserved): "Đạt 99,75%" -> "dat 99,75%"."""
    return text.translate(_FOLD_TABLE)


# --------------------------------------------------------------------------- sentences

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
