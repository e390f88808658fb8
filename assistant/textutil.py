"""Small text helpers shared by the answerer: match keys, sentence spans, period labels."""

from __future__ import annotations

import re

from index.analyzer import canonical_text
from ingest.text import Span, fold_accents, sentence_spans

__all__ = ["Span", "contains_phrase", "match_key", "period_phrase", "sentence_spans", "unit_label"]

_SPACE_RE = re.compile(r"\s+")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def match_key(text: str) -> str:
    """Accent-, tone-placement- and case-insensitive form used for matching phrases."""
    return _SPACE_RE.sub(" ", fold_accents(canonical_text(text))).strip()


def contains_phrase(haystack_key: str, phrase_key: str) -> bool:
    """Whole-word containment of an already keyed phrase."""
    if not phrase_key:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase_key)}(?!\w)", haystack_key) is not None


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
