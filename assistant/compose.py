"""Extractive composition: Vietnamese answer prose with [n] markers and the citations behind them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.models import Citation
from ingest.labels import unit_label
from ingest.periods import period_phrase

if TYPE_CHECKING:
    from ingest.models import Paragraph

# Question words removed when describing what a question asks about.
_QUESTION_WORDS_RE = re.compile(
    r"\b(là bao nhiêu|bao nhiêu|là gì|những gì|gồm những gì|thế nào|ra sao|như thế nào|là|đã|được|có|"
    r"khoảng|phần trăm|hiện nay|hiện|nào|gì|mấy|thứ mấy|trong kỳ báo cáo|hãy cho biết|cho biết)\b",
    re.IGNORECASE)
_UNIT_WORDS = ("phường", "xã", "thị trấn", "UBND", "ủy ban nhân dân", "P.", "X.")
MAX_QUOTE_CHARS = 400


@dataclass(slots=True)
class CitationBook:
    """Numbers citations in order of first use; one number per paragraph."""

    reports: dict[str, dict]  # doc_id -> report metadata
    citations: list[Citation] = field(default_factory=list)
    _by_pid: dict[str, int] = field(default_factory=dict)

    def cite(self, paragraph: Paragraph, highlight: tuple[int, int] | None = None) -> int:
        """The citation number of a paragraph; `highlight` (offsets in the paragraph) marks the span
        the answer relies on (the first one given for a paragraph is kept)."""
        if paragraph.id in self._by_pid:
            n = self._by_pid[paragraph.id]
            c = self.citations[n - 1]
            if c.highlight is None and highlight is not None:
                c.highlight = highlight
            return n
        meta = self.reports.get(paragraph.doc_id, {})
        n = len(self.citations) + 1
        self.citations.append(Citation(
            n=n, doc_id=paragraph.doc_id, unit=meta.get("unit") or "",
            section=" > ".join(paragraph.section_path), paragraph_ids=[paragraph.id], text=paragraph.text,
            highlight=highlight))
        self._by_pid[paragraph.id] = n
        return n


def report_phrase(meta: dict) -> str:
    """ "báo cáo của phường Trí Quả (tháng 5/2026)" """
    label = unit_label(meta.get("unit"), meta.get("unit_type"))
    period = period_phrase(meta.get("period"))
    return f"báo cáo của {label}" + (f" ({period})" if period else "")


def quote(text: str, focus: tuple[int, int] | None = None) -> str:
    """A sentence quoted in the answer, trimmed of list markers, shortened when very long: around
    `focus` (offsets of the value in `text`) so the part that answers is never cut away."""
    t = text
    if len(t.strip()) > MAX_QUOTE_CHARS and focus is not None:
        mid = (focus[0] + focus[1]) // 2
        lo = max(0, mid - MAX_QUOTE_CHARS // 2)
        hi = min(len(t), lo + MAX_QUOTE_CHARS)
        lo = max(0, hi - MAX_QUOTE_CHARS)
        if lo > 0:
            lo = t.find(" ", lo) + 1 or lo
        if hi < len(t):
            space = t.rfind(" ", focus[1], hi)
            hi = space if space > 0 else hi
        t = ("… " if lo > 0 else "") + t[lo:hi].strip() + (" …" if hi < len(text) else "")
    t = re.sub(r"^\s*(?:[-+•*]\s*|\d+[.)]\s+|[a-zđ][)]\s+)", "", t.strip()).strip()
    t = re.sub(r"\s*\n\s*", " ", t.replace("**", ""))
    t = re.sub(r"\s*\t\s*", " | ", t)
    if len(t) > MAX_QUOTE_CHARS + 8:
        cut = t.rfind(" ", 0, MAX_QUOTE_CHARS)
        t = t[: cut if cut > 0 else MAX_QUOTE_CHARS] + " …"
    return f"“{t}”"


def topic_of(question: str, units: list[str]) -> str:
    """What a question asks about, for an abstention sentence ("tỷ lệ số hóa hồ sơ")."""
    text = question.strip().rstrip("?.! ")
    for unit in units:
        text = re.sub(re.escape(unit), " ", text, flags=re.IGNORECASE)
    for w in _UNIT_WORDS:
        text = re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", " ", text, flags=re.IGNORECASE)
    text = _QUESTION_WORDS_RE.sub(" ", text)
    # Prepositions left dangling where the unit name was removed ("phủ sóng 5G ở").
    text = re.sub(r"(?:\s+(?:của|ở|tại|trong|cho|thuộc))+\s*$|^\s*(?:của|ở|tại)\b", " ",
                  re.sub(r"\s+", " ", text).strip())
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    if not text:
        return "thông tin được hỏi"
    return text[0].lower() + text[1:]
