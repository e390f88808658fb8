"""What the browser shows, as markdown (chat messages) or HTML (panels), plus plain text for copy.

Report text, questions and LLM output are data: every character that markdown or HTML could
read as markup is escaped, so a quote containing `![x](http://…)`, `<img src=…>`, `<a href>`,
`<iframe>` or `<script>` is shown literally and makes the browser fetch nothing. The only markup
in a chat message is ours: bullet lists, the `[n]` links to citations and the note lines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from webapp.citations import CitationView

CITE_ANCHOR = "nguon-"  # "#nguon-<turn>-<n>" links a [n] marker of answer <turn> to its citation n
_MARKER_RE = re.compile(r"\[(\d+)\]")
_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
# Every ASCII punctuation character markdown (CommonMark + GFM: autolinks, tables, strikethrough)
# or the chat's HTML could act on; CommonMark allows a backslash before any of them.
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:&$=\"'^])")
INFO, WARN = "ℹ️", "⚠️"
TYPING = "▌"


def _escape_inline(text: str) -> str:
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


def escape_markdown(text: str) -> str:
    """Text shown literally inside markdown: no emphasis, links, images, HTML, autolinks, code."""
    # Leading spaces would make an indented code block.
    return "\n".join(_escape_inline(line.lstrip()) for line in (text or "").split("\n"))


def _end_lists(lines: list[str]) -> list[str]:
    """A plain line right after a bullet list starts a new paragraph (markdown would glue it to
    the last item, e.g. the "Lưu ý: ..." line after a list of units)."""
    out: list[str] = []
    for line in lines:
        if out and line.strip() and not _BULLET_RE.match(line) and _BULLET_RE.match(out[-1]):
            out.append("")
        out.append(line)
    return out


def _escape_with_markers(text: str, turn: int | None, numbers: set[int]) -> str:
    """Escape a line, turning the [n] markers of known citations into links to them."""
    out: list[str] = []
    pos = 0
    for m in _MARKER_RE.finditer(text):
        out.append(_escape_inline(text[pos:m.start()]))
        n = int(m.group(1))
        if turn is not None and n in numbers:
            out.append(f"[\\[{n}\\]](#{CITE_ANCHOR}{turn}-{n})")
        else:
            out.append(f"\\[{n}\\]")
        pos = m.end()
    out.append(_escape_inline(text[pos:]))
    return "".join(out)


def prose_markdown(text: str, turn: int | None = None, numbers: Iterable[int] = ()) -> str:
    """Answer prose as safe markdown: its bullet lines stay a list, everything else is literal."""
    wanted = {int(n) for n in numbers}
    lines = []
    for line in (text or "").strip().split("\n"):
        m = _BULLET_RE.match(line)
        if m:
            lines.append("- " + _escape_with_markers(line[m.end():], turn, wanted))
        else:
            lines.append(_escape_with_markers(line.lstrip(), turn, wanted))
    return "\n".join(_end_lists(lines))


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    act: bool = False  # the official has something to do (shown with ⚠️; else ℹ️)


def message_markdown(prose: str, notes: Sequence[Note] = (), turn: int | None = None,
                     numbers: Iterable[int] = (), typing: bool = False) -> str:
    """A chat message: escaped prose with linked markers, then the notes as quoted lines."""
    body = prose_markdown(prose, turn, numbers) or "(không có nội dung)"
    if typing:
        body += " " + TYPING
    if notes:
        body += "\n\n" + "\n".join(f"> {WARN if n.act else INFO} {escape_markdown(n.text)}" for n in notes)
    return body


def question_markdown(question: str) -> str:
    return escape_markdown(question)


# --------------------------------------------------------------------------------------------
# Sources panel (one answer's citations: the list, and each full passage, opened by the page JS)
# --------------------------------------------------------------------------------------------
def _marked_html(text: str, mark: tuple[int, int] | None) -> str:
    if mark is None:
        return html.escape(text)
    a, b = mark
    return (html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>" + html.escape(text[b:]))


def passage_html(view: CitationView, turn: int) -> str:
    """One citation opened: its report, section and full paragraph(s), the relied-on span marked."""
    head = " · ".join(x for x in (view.title, view.period) if x)
    paras = "".join(
        f'<p class="passage-para" data-pid="{html.escape(pv.paragraph_id)}">{_marked_html(pv.text, pv.mark)}</p>'
        for pv in view.paragraphs)
    return (
        f'<div class="passage" data-turn="{turn}" data-n="{view.n}" hidden>'
        f'<div class="passage-unit"><b>[{view.n}] {html.escape(view.unit)}</b></div>'
        + (f'<div class="passage-meta">{html.escape(head)}</div>' if head else "")
        + (f'<div class="passage-section">Mục: {html.escape(view.section)}</div>' if view.section else "")
        + (f'<div class="passage-file">Tệp: {html.escape(view.file_name)}</div>' if view.file_name else "")
        + (f'<div class="passage-note">{WARN} {html.escape(view.note)}</div>' if view.note else "")
        + f'<div class="passage-body">{paras}</div></div>'
    )


def source_item_html(view: CitationView, turn: int) -> str:
    before, marked, after = view.snippet
    meta = " · ".join(x for x in (view.title, view.period) if x)
    text = html.escape(before) + (f"<mark>{html.escape(marked)}</mark>" if marked else "") + html.escape(after)
    return (
        f'<li class="source-item" data-n="{view.n}">'
        f'<a class="source-open" href="#{CITE_ANCHOR}{turn}-{view.n}">'
        f'<span class="source-head"><b>[{view.n}] {html.escape(view.unit)}</b></span></a>'
        + (f'<div class="source-meta">{html.escape(meta)}</div>' if meta else "")
        + (f'<div class="source-section">Mục: {html.escape(view.section)}</div>' if view.section else "")
        + f'<div class="source-snippet">{text}</div></li>'
    )


def sources_panel_html(views: Sequence[CitationView], turn: int | None) -> str:
    """The panel beside the chat (a drawer on a phone): passages (hidden until opened) and list."""
    close = '<button type="button" class="drawer-close" aria-label="Đóng nguồn trích dẫn">✕ Đóng</button>'
    if not views or turn is None:
        return (f'<div class="sources" data-turn="" data-count="0"><div class="sources-head">'
                f'<b>Nguồn trích dẫn</b>{close}</div>'
                '<div class="sources-empty">Chưa có nguồn trích dẫn. Mỗi câu trả lời ghi nguồn [n]; '
                'bấm vào số đó để xem đoạn văn gốc trong báo cáo.</div></div>')
    passages = "".join(passage_html(v, turn) for v in views)
    items = "".join(source_item_html(v, turn) for v in views)
    return (
        f'<div class="sources" data-turn="{turn}" data-count="{len(views)}">'
        f'<div class="sources-head"><b>Nguồn trích dẫn ({len(views)})</b>{close}</div>'
        '<div class="passage-hint">Bấm vào số [n] trong câu trả lời hoặc vào một nguồn dưới đây '
        'để xem đoạn văn gốc.</div>'
        f'<div class="passages">{passages}</div>'
        f'<ol class="source-list">{items}</ol></div>'
    )


# --------------------------------------------------------------------------------------------
# Status badge, filter chips, tables of rows
# --------------------------------------------------------------------------------------------
RETRIEVAL_LABELS = {
    "hybrid": ("kết hợp ngữ nghĩa và từ khóa", "Tìm theo nghĩa (mô hình nhúng) và theo từ khóa."),
    "dense": ("theo ngữ nghĩa", "Chỉ tìm theo nghĩa (mô hình nhúng)."),
    "lexical": ("theo từ khóa", "Mô hình ngữ nghĩa chưa được cài trên máy này: hệ thống tìm theo từ khóa "
                                "(vẫn đọc toàn bộ báo cáo và bảng chỉ tiêu)."),
}


def status_badge_html(retrieval: str, llm_model: str | None) -> str:
    label, tip = RETRIEVAL_LABELS.get(retrieval, (retrieval, ""))
    mode = f"mô hình ngôn ngữ ({llm_model})" if llm_model else "trích nguyên văn từ báo cáo"
    mode_tip = ("Câu trả lời do mô hình ngôn ngữ viết từ các đoạn trích; câu nào không kiểm chứng được "
                "với nguồn bị loại." if llm_model else "Câu trả lời trích nguyên văn câu trong báo cáo.")
    return (f'<div class="status-badges" data-retrieval="{html.escape(retrieval)}">'
            f'<span class="status-badge" title="{html.escape(tip)}">Tìm kiếm: {html.escape(label)}</span>'
            f'<span class="status-badge" title="{html.escape(mode_tip)}">Trả lời: {html.escape(mode)}</span></div>')


def filter_chips_html(chips: Sequence[tuple[str, str]], n_reports: int, n_matching: int | None) -> str:
    """chips: (facet, value) pairs. Without filters, the scope line says every report is searched."""
    if not chips:
        return (f'<div class="filter-chips" data-active="0"><span class="chips-label">Phạm vi: tất cả '
                f'{n_reports} báo cáo đã nạp</span></div>')
    spans = "".join(f'<span class="chip"><span class="chip-facet">{html.escape(f)}:</span> '
                    f'{html.escape(v)}</span>' for f, v in chips)
    scope = "" if n_matching is None else f'<span class="chips-scope">{n_matching}/{n_reports} báo cáo</span>'
    return (f'<div class="filter-chips" data-active="{len(chips)}"><span class="chips-label">Đang lọc:</span>'
            f"{spans}{scope}</div>")


def rows_table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], css: str,
                    row_classes: Sequence[str] | None = None) -> str:
    """A small read-only HTML table (upload results); every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        f'<tr class="{html.escape((row_classes or [""] * len(rows))[i])}">'
        + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows))
    return f'<table class="{html.escape(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# --------------------------------------------------------------------------------------------
# Plain text (copy to the clipboard, Word)
# --------------------------------------------------------------------------------------------
def source_line(view: CitationView) -> str:
    """"[n] Phường X — Tiêu đề (kỳ), mục Y: “câu trích”"."""
    where = ", ".join(x for x in (view.title, f"mục {view.section}" if view.section else "") if x)
    head = f"[{view.n}] {view.unit}" + (f" — {where}" if where else "")
    if view.period and view.period not in head:
        head += f" ({view.period})"
    before, marked, after = view.snippet
    quote = (marked or f"{before}{after}").strip()
    return f"{head}: “{quote}”" if quote else head


def plain_text(prose: str, notes: Sequence[Note], views: Sequence[CitationView]) -> str:
    """An answer as plain text for pasting into a report: prose with [n], notes, numbered sources."""
    parts = [prose.strip()]
    if notes:
        parts.append("\n".join(f"Lưu ý: {n.text}" for n in notes))
    if views:
        parts.append("Nguồn:\n" + "\n".join(source_line(v) for v in views))
    return "\n\n".join(p for p in parts if p)
