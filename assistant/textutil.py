"""Small text helpers shared by the answerer: match keys and phrase containment.

Sentence spans (ingest.text), period phrases (ingest.periods) and unit labels (ingest.labels) are
re-exported for the strategies, which import them from here.
"""

from __future__ import annotations

import re

from index.analyzer import canonical_text
from ingest.labels import unit_label
from ingest.periods import period_phrase
from ingest.text import Span, fold_accents, sentence_spans

__all__ = ["Span", "contains_phrase", "match_key", "period_phrase", "sentence_spans", "unit_label"]

_SPACE_RE = re.compile(r"\s+")


def match_key(text: str) -> str:
    """Accent-, tone-placement- and case-insensitive form used for matching phrases."""
    return _SPACE_RE.sub(" ", fold_accents(canonical_text(text))).strip()


def contains_phrase(haystack_key: str, phrase_key: str) -> bool:
    """Whole-word containment of an already keyed phrase."""
    if not phrase_key:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase_key)}(?!\w)", haystack_key) is not None
