"""Sections, paragraphs and tables from the classified lines of a report.

Paragraphs: every non-empty line is one paragraph, except that a line starting in lower case
continues the previous text/bullet paragraph when that one does not end a sentence (page-break
and line-wrap artefacts of converted files). `report.text[p.start:p.end] == p.text` always;
surrounding whitespace and whole-line markdown bold markers ("**...**") are outside the span.
A numbered list item closes open sections of the same or deeper rank ("2. <long sentence>" cannot
live inside section "1."). Consecutive table rows form one `Table` whose header may span several rows.
"""

from __future__ import annotations

import re

from ingest.models import Paragraph, Report, Section, Table
from ingest.parser.lines import LOWER_START, SENT_END, Line, is_later_sibling, row_cells

_DATA_CELL_RE = re.compile(r"[\d.,%\s]+")
_ROW_NUMBER_RE = re.compile(r"\s*(?:\d{1,3}|[IVX]{1,4}|[a-zđ])[.)]?\s*")


def table_header(rows: list[tuple[str, ...]]) -> list[str]:
    """The column labels of a table whose header may span several rows with merged cells:

        STT | Số DVCTT |          |          |
            | Cấp tỉnh |          | Cấp xã   |
            | Toàn trình | Một phần | Toàn trình | Một phần
        ..  | 1134     | 608      | 196      | 162

    Header rows are the rows before the first one with a figure (the row number aside); in every
    header row but the last, a merged cell spreads over the empty cells to its right. A column's
    label joins its levels: "Số DVCTT - Cấp tỉnh - Toàn trình"."""
    n_head = 0
    for i, row in enumerate(rows):
        if any(c and _DATA_CELL_RE.fullmatch(c) for c in row[1:]):
            break
        if i and _ROW_NUMBER_RE.fullmatch(row[0] or "") and sum(bool(c.strip()) for c in row) * 2 >= len(row):
            break  # "1 | Đề nghị ... | Sở KH&CN | ...": a numbered row of the body, even without figures
        if i and all(c.strip() for c in rows[0]) and all(c.strip() for c in row):
            break  # a full first row, then another full row: a one-row header over text rows
        n_head += 1
    n_head = max(1, min(n_head, len(rows) - 1 if len(rows) > 1 else 1))
    if n_head == 1:
        return list(rows[0])
    width = max(len(r) for r in rows[:n_head])
    levels: list[list[str]] = []
    for i, row in enumerate(rows[:n_head]):
        cells = [row[k] if k < len(row) else "" for k in range(width)]
        if i < n_head - 1:  # merged cells of an upper level cover the empty cells to their right
            cur = ""
            for k in range(1, width):
                cur = cells[k] or cur
                cells[k] = cur
        levels.append(cells)
    header = []
    for k in range(width):
        parts: list[str] = []
        for lv in levels:
            c = lv[k].strip()
            if c and c not in parts:
                parts.append(c)
        header.append(" - ".join(parts))
    return header



def build_structure(report: Report, lines: list[Line]) -> None:
    """Sections, paragraphs and tables of `report` from its classified lines."""
    doc_id, text = report.doc_id, report.text
    stack: list[tuple[int, Section]] = []
    sec_n = 0
    paras: list[Paragraph] = []
    last_para_end: dict[int, int] = {}

    def path() -> tuple[str, ...]:
        return stack[-1][1].path if stack else ()

    def close_to(rank: int) -> None:
        while stack and stack[-1][0] >= rank:
            _, sec = stack.pop()
            sec.end = max(sec.end, last_para_end.get(id(sec), sec.end))

    def add_para(start: int, end: int, kind: str, **kw) -> Paragraph:
        p = Paragraph(id=f"{doc_id}:p{len(paras) + 1}", doc_id=doc_id, n=len(paras) + 1,
                      text=text[start:end], start=start, end=end, section_path=path(), kind=kind, **kw)
        paras.append(p)
        for _, sec in stack:
            last_para_end[id(sec)] = end
        return p

    table_block: list[Line] = []

    def flush_table() -> None:
        if not table_block:
            return
        rows = [tuple(row_cells(ln.raw)) for ln in table_block]
        header = table_header(rows)
        while header and not header[-1]:
            header.pop()
        tid = f"{doc_id}:t{len(report.tables) + 1}"
        table = Table(id=tid, header=tuple(header), rows=[], paragraph_ids=[], section_path=path())
        for k, ln in enumerate(table_block):
            cells = rows[k]
            p = add_para(ln.start, ln.end, "table_row", table_id=tid, header=tuple(header), cells=cells)
            table.rows.append(cells)
            table.paragraph_ids.append(p.id)
        report.tables.append(table)
        table_block.clear()

    for ln in lines:
        if ln.kind == "separator":
            continue
        if ln.kind == "table_row":
            table_block.append(ln)
            continue
        flush_table()
        if ln.kind == "heading" and ln.part_title_of is None and ln.rank >= 0:
            close_to(ln.rank)
            sec_n += 1
            parent_path = path()
            sec = Section(id=f"{doc_id}:s{sec_n}", title=ln.title or ln.numbering, numbering=ln.numbering,
                          level=len(stack) + 1, path=(*parent_path, ln.title or ln.numbering),
                          start=ln.start, end=ln.end)
            if stack:
                stack[-1][1].children.append(sec)
            else:
                report.sections.append(sec)
            stack.append((ln.rank, sec))
            p = add_para(ln.start, ln.end, "heading")
            sec.heading_paragraph_id = p.id
            continue
        if ln.kind == "heading":  # preamble caps line or the title line of a Part
            add_para(ln.start, ln.end, "heading")
            continue
        if ln.item:
            # "2. <sentence>" cannot live inside an open section "1." of the same rank
            same = next((sec for rank, sec in reversed(stack) if rank == ln.rank), None)
            if same is not None and is_later_sibling(same.numbering, ln.numbering):
                close_to(ln.rank)
            add_para(ln.start, ln.end, "bullet")
            continue
        prev = paras[-1] if paras else None
        if (prev is not None and prev.kind in ("text", "bullet") and LOWER_START.match(ln.text)
                and not prev.text.rstrip().endswith((*SENT_END, ":")) and prev.section_path == path()):
            # continuation of a wrapped / page-broken paragraph
            prev.end = ln.end
            prev.text = text[prev.start:prev.end]
            for _, sec in stack:
                last_para_end[id(sec)] = prev.end
            continue
        add_para(ln.start, ln.end, "bullet" if ln.kind == "bullet" else "text")
    flush_table()
    close_to(-1)
    report.paragraphs = paras
