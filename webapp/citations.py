"""Citation views: each citation resolved to its report, full paragraph(s) and the span to mark.

The span comes from `Citation.highlight` (offsets inside `Citation.text` set by the answerer);
when it is None the sentence of the passage that best matches the answer's claim and the
question is chosen (`highlight_span`).
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.models import Answer, Citation
from assistant.textutil import sentence_spans
from ingest.labels import unit_label
from ingest.numbers import number_keys
from ingest.text import fold_accents

log = logging.getLogger(__name__)

STALE_NOTE = "Báo cáo này đã được cập nhật hoặc xóa sau câu trả lời; dưới đây là đoạn văn đã được trích dẫn."
SNIPPET_BEFORE = 90  # characters of context shown before the highlighted span in the sources list
SNIPPET_AFTER = 60
SNIPPET_MAX_SPAN = 400  # a longer span is shown head … tail
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Dates and periods are not the cited value: "15/4/2026", "tháng 5 năm 2026", "quý I", "2026".
_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|\b(?:ngày|tháng|quý|năm|kỳ)\s+(?:\d+|[IVX]+)\b"
                      r"|\b(?:19|20)\d{2}\b", re.IGNORECASE)
_MARKER_RE = re.compile(r"\[(\d+)\]")
_NUMBER_WEIGHT = 3.0
_BIGRAM_WEIGHT = 1.5


def _terms(text: str) -> tuple[list[str], set[str]]:
    folded = fold_accents(text.lower())
    words = _WORD_RE.findall(folded)
    numbers = number_keys(_DATE_RE.sub(" ", text))
    return words, numbers


def claim_text(answer_text: str, n: int) -> str:
    """The sentences/lines of the answer prose that carry the marker [n]."""
    marker = f"[{n}]"
    parts = [p for p in re.split(r"(?<=[.!?])\s+|\n+", answer_text) if marker in p]
    return " ".join(_MARKER_RE.sub(" ", p) for p in parts)


def highlight_span(paragraph: str, cited: str, claim: str, question: str = "") -> tuple[int, int] | None:
    """The span of `paragraph` to highlight for a citation without `Citation.highlight`.

    1. The cited passage itself when it is a proper part of the paragraph.
    2. Otherwise the sentence (or ";"-separated clause) that best matches the answer's claim and
       the question: shared numbers weigh most, then shared word pairs, then shared words (per
       square root of the sentence length, so a short exact clause beats a long list). The
       whole paragraph when it is a single sentence or nothing matches.
    """
    cited = (cited or "").strip()
    if cited and cited != paragraph.strip():
        i = paragraph.find(cited)
        if i >= 0:
            return i, i + len(cited)
    spans = _clause_spans(paragraph)
    if not spans:
        return None
    if len(spans) == 1 or not (claim.strip() or question.strip()):
        return spans[0][0], spans[-1][1]
    c_words, c_nums = _terms(f"{claim} {question}")
    c_set, c_pairs = set(c_words), set(itertools.pairwise(c_words))
    best, best_score = None, 0.0
    for a, b in spans:
        words, nums = _terms(paragraph[a:b])
        pairs = set(itertools.pairwise(words))
        score = (_NUMBER_WEIGHT * len(nums & c_nums)
                 + (len(set(words) & c_set) + _BIGRAM_WEIGHT * len(pairs & c_pairs)) / (1 + len(words)) ** 0.5)
        if score > best_score:
            best, best_score = (a, b), score
    return best if best is not None else (spans[0][0], spans[-1][1])


_CLAUSE_END_RE = re.compile(r"(?<=;)\s+")


def _clause_spans(text: str) -> list[tuple[int, int]]:
    """Sentences, each further cut after ";" (report lists such as "Trực tuyến … đạt 84,54%; …;
    số hóa hồ sơ đạt 100%." hold one figure per clause)."""
    out = []
    for sp in sentence_spans(text):
        start = sp.start
        for m in _CLAUSE_END_RE.finditer(text, sp.start, sp.end):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, sp.end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def valid_highlight(text: str, span: Any) -> tuple[int, int] | None:
    """`Citation.highlight` when it is a real, non-empty span of `text`, else None."""
    try:
        a, b = int(span[0]), int(span[1])
    except (TypeError, ValueError, IndexError):
        return None
    if 0 <= a < b <= len(text) and text[a:b].strip():
        return a, b
    return None


def citation_span(c: Citation, claim: str, question: str) -> tuple[int, int] | None:
    """The span of `c.text` the answer relies on: `c.highlight`, else the best-matching sentence."""
    given = valid_highlight(c.text, c.highlight)
    if given is not None:
        return given
    return highlight_span(c.text, "", claim, question)


def snippet(text: str, span: tuple[int, int] | None) -> tuple[str, str, str]:
    """(before, marked, after) for the sources list: the marked span whole, with some context.

    Without a span the start of the passage is shown. Cuts fall on word boundaries, marked "…".
    """
    text = text.strip() if span is None else text
    if span is None:
        if len(text) <= SNIPPET_BEFORE + SNIPPET_AFTER + 70:
            return "", "", text
        return "", "", _cut_tail(text, SNIPPET_BEFORE + SNIPPET_AFTER + 70)
    a, b = span
    marked = text[a:b]
    if len(marked) > SNIPPET_MAX_SPAN:
        head, tail = marked[: SNIPPET_MAX_SPAN // 2], marked[-SNIPPET_MAX_SPAN // 2:]
        marked = f"{head.rsplit(' ', 1)[0]} … {tail.split(' ', 1)[-1]}"
    before, after = text[:a], text[b:]
    if len(before) > SNIPPET_BEFORE:
        cut = before[-SNIPPET_BEFORE:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut else cut)
    if len(after) > SNIPPET_AFTER:
        after = _cut_tail(after, SNIPPET_AFTER)
    return before, marked, after


def _cut_tail(text: str, limit: int) -> str:
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


@dataclass(slots=True)
class ParagraphView:
    paragraph_id: str
    text: str
    mark: tuple[int, int] | None


@dataclass(slots=True)
class CitationView:
    """A citation with everything the sources panel shows."""

    n: int
    doc_id: str
    unit: str
    title: str
    period: str
    section: str
    cited_text: str
    paragraphs: list[ParagraphView] = field(default_factory=list)
    span: tuple[int, int] | None = None  # inside cited_text
    note: str = ""  # e.g. the report changed since the answer
    file_name: str = ""

    @property
    def label(self) -> str:
        where = self.section or self.title
        return f"[{self.n}] {self.unit} — {where}" if where else f"[{self.n}] {self.unit}"

    @property
    def snippet(self) -> tuple[str, str, str]:
        return snippet(self.cited_text, self.span)


def field_of(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def unit_display(meta: Any, fallback: str) -> str:
    return unit_label(field_of(meta, "unit"), field_of(meta, "unit_type"), capitalize=True, unknown=fallback)


def period_display(meta: Any) -> str:
    return str(field_of(meta, "period_label") or field_of(meta, "period") or "")


def build_citation_views(answer: Answer, store: Any, question: str = "",
                         file_names: dict[str, str] | None = None) -> list[CitationView]:
    """Resolve each citation to report metadata and its full paragraph(s) with a highlight."""
    views: list[CitationView] = []
    meta_cache: dict[str, Any] = {}
    for c in answer.citations:
        if c.doc_id not in meta_cache:
            try:
                meta_cache[c.doc_id] = store.get_report_meta(c.doc_id)
            except Exception:  # a report removed meanwhile: show the citation without metadata
                log.warning("no metadata for %s", c.doc_id, exc_info=True)
                meta_cache[c.doc_id] = None
        view = _citation_view(c, meta_cache[c.doc_id], store, claim_text(answer.answer, c.n),
                              question or answer.question)
        view.file_name = (file_names or {}).get(c.doc_id, "")
        views.append(view)
    return views


def _citation_view(c: Citation, meta: Any, store: Any, claim: str, question: str) -> CitationView:
    span = citation_span(c, claim, question)
    paragraphs: list[ParagraphView] = []
    for pid in c.paragraph_ids:
        try:
            p = store.get_paragraph(pid)
        except KeyError:
            p = None
        text = field_of(p, "text")
        if text:
            paragraphs.append(ParagraphView(pid, text, None))
    note = ""
    cited = c.text
    joined = "\n".join(pv.text for pv in paragraphs)
    if not paragraphs or (cited.strip() and cited.strip() not in joined):
        # The report was re-ingested or removed after the answer: show the passage the answer used.
        note = STALE_NOTE if c.paragraph_ids else ""
        paragraphs = [ParagraphView(",".join(c.paragraph_ids), cited, span)]
    else:
        _place_mark(paragraphs, cited, span)
    return CitationView(
        n=c.n, doc_id=c.doc_id, unit=unit_display(meta, c.unit or c.doc_id),
        title=str(field_of(meta, "title") or ""), period=period_display(meta),
        section=c.section, cited_text=cited, paragraphs=paragraphs, span=span, note=note,
    )


def _place_mark(paragraphs: list[ParagraphView], cited: str, span: tuple[int, int] | None) -> None:
    """Mark the span (offsets in the cited passage) where the passage occurs in a paragraph; a
    passage that is only part of its paragraph is marked whole when no finer span is known."""
    stripped = cited.strip()
    lead = len(cited) - len(cited.lstrip())
    for pv in paragraphs:
        i = pv.text.find(stripped) if stripped else -1
        if i < 0:
            continue
        if span is not None:
            a, b = span[0] - lead, span[1] - lead
            a, b = max(a, 0), min(b, len(stripped))
            if a < b:
                pv.mark = (i + a, i + b)
                return
        if stripped != pv.text.strip():
            pv.mark = (i, i + len(stripped))
        return
