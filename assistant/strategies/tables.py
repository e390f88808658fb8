"""Table cells: "Theo Phụ lục X, kiến nghị bố trí nguồn lực ... do ai xem xét, quyết định?" — the
row the question names (by the words of its cells) and the column it asks for (by the words of the
column's header) meet in one cell, which is the answer.

A cell answers only when both are clear: the row's own cells state the question's row words, the
header states its column words, together they cover the asked attribute, and no other row or
column of the report does as well. Figures in tables are the figure strategy's (they are typed
facts); this strategy reads the text cells (bodies, people, deadlines, products)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.matching import Attribute
from assistant.strategies.base import Context
from assistant.strategies.replies import abstain, answered, cite_sentence, quoted_sentence
from assistant.words import contains_word, folded_text

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

CELL_MIN_COVERAGE = 0.7  # share of the attribute's weight the row and the column state together
ROW_MIN_SHARE = 0.25  # ... of which the row's other cells state at least this share
COLUMN_MIN_SHARE = 0.2  # ... and the column's header at least this share
CLEAR_MARGIN = 0.05  # the best cell beats the next one by this much, or the answer is not clear
_TYPES = ("who", "text", "list", "when", "why")
# Words of the question that ask for the cell, not words of its row or column.
_ASK_WORDS = ("ai", "là ai", "do ai", "cơ quan nào", "đơn vị nào", "bộ phận nào", "là gì", "gì", "nào",
              "theo phụ lục", "phụ lục", "trong phụ lục", "bảng", "theo bảng")
_NUMBERING_RE = re.compile(r"\s*(?:\d{1,3}|[IVX]{1,4}|[a-zđ])[.)]?\s*")
_NUMERIC_RE = re.compile(r"[\d.,%\s/-]+")


@dataclass(slots=True)
class _Cell:
    paragraph: Paragraph
    column: int
    score: float


class TableCellStrategy:
    name = "table_cell"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.answer_type not in _TYPES or not u.units:
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        attr = ctx.attribute(u, docs, extra_drop=_ASK_WORDS, keep_type_words=False)
        if not attr.terms:
            return None
        cells: list[_Cell] = []
        for p in ctx.paragraphs(docs):
            if p.kind == "table_row" and p.cells and p.header and not _is_header_row(p):
                cells.extend(_score_row(attr, p))
        if not cells:
            return None
        cells.sort(key=lambda c: -c.score)
        best = cells[0]
        if len(cells) > 1 and cells[1].score > best.score - CLEAR_MARGIN and \
                (cells[1].paragraph.id, cells[1].column) != (best.paragraph.id, best.column):
            return None  # two cells answer as well: not clear, the text strategies read on
        p, j = best.paragraph, best.column
        cell = p.cells[j]
        start = p.text.find(cell)
        book = ctx.book()
        n = cite_sentence(book, p, 0, len(p.text), (start, start + len(cell)) if start >= 0 else None)
        quote = quoted_sentence(p, 0, len(p.text), (start, start + len(cell)) if start >= 0 else None)
        column = _column_title(p.header[j])
        text = f"{_plain(cell)} — theo {ctx.report_phrase(p.doc_id)}, cột “{column}” của bảng: {quote} [{n}]"
        return answered(u, text, book, "lookup")


def _score_row(attr: Attribute, p: Paragraph) -> list[_Cell]:
    total = attr.total or 1.0
    out: list[_Cell] = []
    cells, header = list(p.cells or ()), list(p.header or ())
    for j, cell in enumerate(cells):
        if j >= len(header) or not cell.strip() or _NUMERIC_RE.fullmatch(cell) or _NUMBERING_RE.fullmatch(cell):
            continue
        col = folded_text(_column_title(header[j]))
        row = folded_text(" ".join(c for k, c in enumerate(cells) if k != j))
        in_col = sum(t.weight for t in attr.terms if _found(t, col))
        in_row = sum(t.weight for t in attr.terms if not _found(t, col) and _found(t, row))
        if in_col / total < COLUMN_MIN_SHARE or in_row / total < ROW_MIN_SHARE:
            continue
        coverage = (in_col + in_row) / total
        if coverage >= CELL_MIN_COVERAGE:
            out.append(_Cell(p, j, coverage))
    return out


def _found(term, text: str) -> bool:
    return contains_word(text, term.word) or any(contains_word(text, a) for a in term.alternatives)


def _is_header_row(p: Paragraph) -> bool:
    """A row that repeats the header's words (the header rows of a multi-row header)."""
    header = " ".join(p.header or ())
    filled = [c for c in p.cells or () if c.strip()]
    return bool(filled) and all(c in header for c in filled)


def _column_title(header_cell: str) -> str:
    """The column's own title: the last level of a multi-row header ("Số DVCTT - Cấp tỉnh")."""
    return header_cell.strip()


def _plain(cell: str) -> str:
    return re.sub(r"</?p>", "", cell).strip()
