"""Small text helpers shared by the answerer: match keys, phrase containment, numbers inside names.

Sentence spans (ingest.text), period phrases (ingest.periods) and unit labels (ingest.labels) are
re-exported for the strategies, which import them from here.
"""

from __future__ import annotations

import re

from index.analyzer import canonical_text
from ingest.labels import unit_label
from ingest.periods import period_phrase
from ingest.text import Span, fold_accents, sentence_spans

__all__ = ["Span", "contains_phrase", "match_key", "named_number_spans", "period_phrase", "sentence_spans",
           "unit_label"]

_SPACE_RE = re.compile(r"\s+")
# "Chiến dịch 100 ngày", "Đề án 06", "Nghị quyết 57", "NQ57": a number that is part of a name.
NAME_BEFORE_NUMBER_RE = re.compile(
    r"(?i)(?:chiến dịch|chien dich|đề án|de an|nghị quyết|nghi quyet|kế hoạch|ke hoach|chương trình|chuong trinh|"
    r"phong trào|phong trao|quyết định|quyet dinh|công văn|cong van|thông báo|thong bao|chỉ thị|chi thi|"
    r"văn bản|van ban|số hiệu|so hieu|nq|qđ|kh)\s*(?:số\s*)?(\d+(?:[.,/]\d+)*)")


def named_number_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the numbers that are part of a name in `text` (never a value or a condition)."""
    return [m.span(1) for m in NAME_BEFORE_NUMBER_RE.finditer(text)
            if not re.match(r"\s*(?:%|phần trăm|phan tram)", text[m.end(1):])]  # "văn bản 100%" is a rate


def match_key(text: str) -> str:
    """Accent-, tone-placement- and case-insensitive form used for matching phrases."""
    return _SPACE_RE.sub(" ", fold_accents(canonical_text(text))).strip()


def contains_phrase(haystack_key: str, phrase_key: str) -> bool:
    """Whole-word containment of an already keyed phrase."""
    if not phrase_key:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase_key)}(?!\w)", haystack_key) is not None
