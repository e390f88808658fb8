"""Wording and citations of aggregate answers (assistant/aggregate.py).

`_Book` numbers the citations (one per paragraph, with the clause of the figure to highlight); the
phrase helpers word units, periods, values, indicators and conditions in Vietnamese; `_assemble`
puts the answer lines first and the "Lưu ý:" note after them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.aggregate_query import AggregateQuery
from assistant.compose import CitationBook
from assistant.models import Citation
from ingest.models import Indicator, Paragraph
from ingest.numbers import format_number
from ingest.periods import period_phrase
from ingest.taxonomy import IndicatorDef
from ingest.text import clause_span, fold

log = logging.getLogger(__name__)

NOTE_UNITS = 12  # units named one by one in a "Lưu ý:" note
MAX_NOTE_CHARS = 600  # the "Lưu ý:" line about units that do not answer is kept short
NOTE_MARKER = "Lưu ý:"


class _Book:
    """Citations of indicator answers: the one citation book (assistant/compose.py) numbers them,
    one per paragraph; this adds what indicators need (the report a figure belongs to, the clause of
    the figure as the highlight, paragraphs read in one query)."""

    def __init__(self, store: Any, reports: Sequence[dict] = ()) -> None:
        self.store = store
        self._book = CitationBook(reports={r["doc_id"]: r for r in reports if r.get("doc_id")})
        self._paragraphs: dict[str, Paragraph] = {}
        seen: dict[tuple[Any, Any], int] = {}
        for r in reports:
            k = (r.get("unit"), r.get("province"))
            seen[k] = seen.get(k, 0) + 1
        self.multi = {k for k, v in seen.items() if v > 1}  # units with several reports

    def name(self, r: dict) -> str:
        """Unit name for notes; with the period when the unit has several reports."""
        if (r.get("unit"), r.get("province")) in self.multi:
            return _unit(r) + _period(r)
        return _unit(r)

    def prefetch(self, pids: Iterable[str]) -> None:
        """Read the paragraphs of many citations in one query (stores that can)."""
        batch = getattr(self.store, "get_paragraphs_by_ids", None)
        if batch is not None:
            self._paragraphs.update(batch([pid for pid in pids if pid not in self._paragraphs]))

    def cite(self, report: dict, ind: Indicator) -> str:
        p = self._paragraphs.get(ind.paragraph_id) or _get_paragraph(self.store, ind.paragraph_id)
        if p is None:
            return self._add(report, ind.paragraph_id, (), ind.sentence)
        # The clause that holds the figure, as offsets in the paragraph (for the app's highlight).
        lo, hi = ind.start - p.start, ind.end - p.start
        highlight = None
        if 0 <= lo < hi <= len(p.text):
            at = p.text.find(ind.label, lo, hi) if ind.label else -1
            highlight = clause_span(p.text, lo, hi, at, at + len(ind.label)) if at >= 0 else (lo, hi)
        return self._add(report, p.id, p.section_path, p.text, highlight)

    def used(self, text: str) -> list[Citation]:
        """Citations whose marker survived trimming."""
        return [c for c in self.citations if f"[{c.n}]" in text]

    def cite_paragraph(self, report: dict, p: Paragraph) -> str:
        return self._add(report, p.id, p.section_path, p.text)

    @property
    def citations(self) -> list[Citation]:
        return self._book.citations

    def _add(self, report: dict, pid: str, section: Iterable[str], text: str,
             highlight: tuple[int, int] | None = None) -> str:
        self._book.reports.setdefault(report["doc_id"], report)
        p = Paragraph(id=pid, doc_id=report["doc_id"], n=0, text=text, start=0, end=len(text),
                      section_path=tuple(section))
        return f"[{self._book.cite(p, highlight)}]"


def _get_paragraph(store: Any, pid: str) -> Paragraph | None:
    try:
        p = store.get_paragraph(pid)
    except Exception:  # pragma: no cover - a broken store row must not sink the answer
        log.exception("get_paragraph(%s) failed", pid)
        return None
    if p is None or isinstance(p, Paragraph):
        return p
    if isinstance(p, dict):  # tolerate a dict-returning store
        return Paragraph(id=p["id"], doc_id=p["doc_id"], n=p.get("n", 0), text=p["text"], start=p.get("start", 0),
                         end=p.get("end", 0), section_path=tuple(p.get("section_path") or ()))
    return None


def _metadata_paragraph(store: Any, r: dict, q: AggregateQuery) -> Paragraph | None:
    """The paragraph that shows the metadata asked about (province name, "UBND xã X"), else the first."""
    getter = getattr(store, "get_paragraphs", None)
    if getter is None:
        return None
    paras = [p for p in getter(r["doc_id"]) if p.text.strip()]
    if not paras:
        return None
    needles = []
    if q.kind == "province":
        needles = [fold(p) for p in q.provinces]
    unit = fold(r.get("unit") or "")
    utype = fold(r.get("unit_type") or "")
    needles.append(f"{utype} {unit}".strip())
    for needle in needles:
        for p in paras:
            if needle and needle in fold(p.text) and len(p.text) < 1200:
                return p
    return paras[0]


def _value(i: Indicator, measure: str | None) -> str:
    q = f"{i.qualifier} " if i.qualifier in ("trên", "khoảng", "khoảng trên", "hơn", "gần", "dưới") else ""
    if i.numerator is not None and i.denominator is not None:
        base = f"{format_number(i.numerator)}/{format_number(i.denominator)}"
        if i.measure == "hạng":
            return f"hạng {base}"
        return q + (base + f" {i.measure}" if i.measure and i.measure != "%" else base)
    return q + format_number(i.value, i.measure or measure)


def _period(r: dict) -> str:
    p = _period_text(r.get("period"), r.get("period_label"))
    return f" ({p})" if p else ""


def _period_text(period: str | None, label: str | None) -> str | None:
    return (period_phrase(period) if period else None) or label


def _unit(r: dict) -> str:
    unit = r.get("unit") or r.get("doc_id", "")
    return f"{r['unit_type']} {unit}" if r.get("unit_type") else unit


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def _province_phrase(p: str) -> str:
    fp = fold(p)
    if fp.startswith(("tinh ", "thanh pho ")):
        return p
    return f"thành phố {p}" if fp in _CITIES else f"tỉnh {p}"


def _indicator_phrase(d: IndicatorDef, measure: str | None) -> str:
    name = d.name
    if measure == "%" and not fold(name).startswith(("ty le", "ti le")):
        return "tỷ lệ " + re.sub(r"^(số|tổng số) ", "", name)
    if measure not in (None, "%") and fold(name).startswith(("ty le", "ti le")):
        return "số " + re.sub(r"^(tỷ lệ|tỉ lệ) ", "", name)
    return name


def _condition_phrase(q: AggregateQuery, d: IndicatorDef) -> str:
    v = format_number(q.value or 0, q.measure if q.measure == "%" else None)
    if q.op == ">" and (q.value or 0) == 0:
        return "lớn hơn 0 (còn phát sinh)"
    reach = f"đạt {v}" if q.measure == "%" and (q.value or 0) >= 100 else f"từ {v} trở lên"
    return {">=": reach, ">": f"trên {v}",
            "<": f"dưới {v}", "<=": f"không quá {v}", "==": f"bằng {v}"}.get(q.op or ">=", f"đạt {v}")


def _partial_sentence(partial: list[dict]) -> str:
    names = ", ".join(_unit(r) + _period(r) for r in partial[:8])
    more = f" và {len(partial) - 8} báo cáo khác" if len(partial) > 8 else ""
    return f"Báo cáo của {names}{more} chỉ trùng một phần với kỳ được hỏi nên không được tính."


def _missing_sentence(missing: list[dict], what: str, book: _Book) -> str:
    if len(missing) > NOTE_UNITS:
        names = ", ".join(book.name(r) for r in missing[:NOTE_UNITS - 2])
        return f"Báo cáo của {names} và {len(missing) - NOTE_UNITS + 2} đơn vị khác không nêu {what}."
    return f"Báo cáo của {', '.join(book.name(r) for r in missing)} không nêu {what}."


def _assemble(body: list[str], notes: list[str]) -> str:
    """Body lines first (all of them: a set answer names every unit that answers, however many),
    then one "Lưu ý:" line, shortened to MAX_NOTE_CHARS."""
    text = "\n".join(body)
    if notes:
        note = f"{NOTE_MARKER} " + " ".join(notes)
        if len(note) > MAX_NOTE_CHARS:
            note = note[:MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        text += "\n" + note
    return text

