"""Everything the Gradio app needs that is not Gradio: upload staging, serialised ingest,
citation views with the cited sentence highlighted, tables for the reports/indicators tabs.

`app.py` maps UI events to the methods of `AppBackend`; this module never imports gradio, so
it is tested directly (tests/test_app.py) and the callbacks stay free of business logic.
"""

from __future__ import annotations

import csv
import hashlib
import html
import logging
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.models import Answer, Citation
from assistant.textutil import sentence_spans
from index.analyzer import fold_accents

if TYPE_CHECKING:
    from assistant.services import Services
    from index.query import QueryFilters
    from index.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")
UPLOADS_DIRNAME = "uploads"
EXPORTS_DIRNAME = "exports"
EVAL_DIRNAME = "eval_runs"
EXPORT_MAX_AGE_S = 24 * 3600
STAGE_SHARE = 0.1  # share of the upload progress bar spent checking and copying files
# Long enough to stay readable, short enough for a file name on any file system.
MAX_STEM_CHARS = 60
NAME_HASH_CHARS = 8
_SAFE_STEM_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_UNSAFE_RUN_RE = re.compile(r"[^A-Za-z0-9_-]+")

ProgressFn = Callable[[float, str], None]
REPO_ROOT = Path(__file__).resolve().parent.parent
# The quick run scores the main configurations only; the full run adds dense, no-indicators and
# the LlamaIndex baseline side by side.
EVAL_QUICK_CONFIGS: tuple[str, ...] = ("hybrid", "lexical")
EVAL_EXPECTED_S = {False: 30.0, True: 240.0}  # quick / full run; only scales the progress bar


# --------------------------------------------------------------------------------------------
# Upload staging
# --------------------------------------------------------------------------------------------
class UploadError(Exception):
    """A file refused before ingest; str() is one Vietnamese line for the user."""


def client_basename(name: str) -> str:
    """The last path component of a client-supplied name (both separators), NFC."""
    name = unicodedata.normalize("NFC", name or "")
    return re.split(r"[\\/]", name)[-1].strip()


def safe_doc_id(original_name: str) -> str:
    """A doc_id made from a client file name: only [A-Za-z0-9_-].

    A name that is already safe is kept as is (re-uploading "bao_cao_t4.docx" replaces that
    report). Otherwise the accents are folded, other characters become "_" and a short hash of
    the original name is appended, so two names that fold to the same stem stay distinct.
    """
    base = client_basename(original_name)
    stem, dot, _suffix = base.rpartition(".")
    stem = (stem if dot else base).strip()
    if stem and _SAFE_STEM_RE.fullmatch(stem) and len(stem) <= MAX_STEM_CHARS:
        return stem
    folded = _UNSAFE_RUN_RE.sub("_", fold_accents(stem)).strip("_-")[:MAX_STEM_CHARS] or "bao_cao"
    digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:NAME_HASH_CHARS]
    return f"{folded}_{digest}"


def stage_upload(src: Path, original_name: str, uploads_dir: Path, max_bytes: int) -> Path:
    """Copy an uploaded temp file to `<uploads_dir>/<doc_id><suffix>` after checking it.

    The client's name only contributes a sanitised stem and the suffix (from a whitelist);
    the bytes come from `src`, the server-side temp file written by the web framework.
    """
    shown = client_basename(original_name) or src.name
    suffix = Path(shown).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError(
            f"{shown}: định dạng không được hỗ trợ (chỉ nhận {', '.join(ALLOWED_SUFFIXES)})."
        )
    size = src.stat().st_size
    if size > max_bytes:
        raise UploadError(
            f"{shown}: tệp quá lớn ({size / 1_048_576:.1f} MB, giới hạn {max_bytes / 1_048_576:.0f} MB)."
        )
    if size == 0:
        raise UploadError(f"{shown}: tệp rỗng.")
    doc_id = safe_doc_id(shown)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = uploads_dir / f"{doc_id}{suffix}"
    tmp = uploads_dir / f".{doc_id}{suffix}.part"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return dest


def stage_upload_keep_backup(src: Path, original_name: str, uploads_dir: Path,
                             max_bytes: int) -> tuple[Path, Path | None]:
    """`stage_upload`, keeping an earlier upload of the same report as `<name>.bak` so a failed
    ingest of the new file can put it back (the store still holds that earlier version)."""
    shown = client_basename(original_name) or src.name
    dest = uploads_dir / f"{safe_doc_id(shown)}{Path(shown).suffix.lower()}"
    backup = None
    if dest.exists() and Path(shown).suffix.lower() in ALLOWED_SUFFIXES:
        backup = dest.with_name(dest.name + ".bak")
        shutil.copyfile(dest, backup)
    try:
        return stage_upload(src, original_name, uploads_dir, max_bytes), backup
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise


def drop_other_formats(path: Path) -> None:
    """Once `<doc_id>.docx` is ingested, an older `<doc_id>.txt` upload of the same report goes."""
    for other in path.parent.glob(f"{path.stem}.*"):
        if other != path and other.suffix.lower() in ALLOWED_SUFFIXES:
            other.unlink(missing_ok=True)


def _restore(path: Path, backup: Path | None) -> None:
    """Undo a staged upload whose ingest failed."""
    if backup is not None:
        os.replace(backup, path)
    else:
        path.unlink(missing_ok=True)


@dataclass(slots=True)
class FileOutcome:
    """What happened to one uploaded file, for the reports tab."""

    name: str  # the client's file name (display only)
    doc_id: str | None
    ok: bool
    message: str  # Vietnamese


# --------------------------------------------------------------------------------------------
# Citation views
# --------------------------------------------------------------------------------------------
NO_MATCH_REPLY = "Không có báo cáo nào khớp bộ lọc đã chọn (tỉnh, đơn vị, kỳ báo cáo)."
STALE_NOTE = "Báo cáo này đã được cập nhật hoặc xóa sau câu trả lời; dưới đây là đoạn văn đã được trích dẫn."
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_NUM_RE = re.compile(r"\d+(?:[.,]\d+)*")
_MARKER_RE = re.compile(r"\[(\d+)\]")


def _terms(text: str) -> tuple[set[str], set[str]]:
    folded = fold_accents(text.lower())
    words = set(_WORD_RE.findall(folded))
    numbers = {re.sub(r"[.,]", "", n) for n in _NUM_RE.findall(text)}
    return words, numbers


def claim_text(answer_text: str, n: int) -> str:
    """The sentences/lines of the answer prose that carry the marker [n]."""
    marker = f"[{n}]"
    parts = [p for p in re.split(r"(?<=[.!?])\s+|\n+", answer_text) if marker in p]
    return " ".join(_MARKER_RE.sub(" ", p) for p in parts)


def highlight_span(paragraph: str, cited: str, claim: str) -> tuple[int, int] | None:
    """The span of `paragraph` to highlight for a citation.

    1. The cited passage itself when it is a proper part of the paragraph.
    2. Otherwise the paragraph sentence that best matches the answer's claim (numbers weigh
       more than words); the whole paragraph when it is a single sentence or nothing matches.
    """
    cited = (cited or "").strip()
    if cited and cited != paragraph.strip():
        i = paragraph.find(cited)
        if i >= 0:
            return i, i + len(cited)
    spans = [(sp.start, sp.end) for sp in sentence_spans(paragraph)]
    if not spans:
        return None
    if len(spans) == 1 or not claim.strip():
        return spans[0][0], spans[-1][1]
    c_words, c_nums = _terms(claim)
    best, best_score = None, 0.0
    for a, b in spans:
        words, nums = _terms(paragraph[a:b])
        score = 3.0 * len(nums & c_nums) + len(words & c_words) / (1 + len(words)) ** 0.5
        if score > best_score:
            best, best_score = (a, b), score
    return best if best is not None else (spans[0][0], spans[-1][1])


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
    note: str = ""  # e.g. the report changed since the answer

    @property
    def label(self) -> str:
        where = self.section or self.title
        return f"[{self.n}] {self.unit} — {where}" if where else f"[{self.n}] {self.unit}"


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _unit_display(meta: Any, fallback: str) -> str:
    unit = _field(meta, "unit")
    unit_type = _field(meta, "unit_type")
    if unit and unit_type:
        return f"{str(unit_type).capitalize()} {unit}"
    return str(unit or fallback)


def _period_display(meta: Any) -> str:
    return str(_field(meta, "period_label") or _field(meta, "period") or "")


def build_citation_views(answer: Answer, store: Any) -> list[CitationView]:
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
        meta = meta_cache[c.doc_id]
        views.append(_citation_view(c, meta, store, claim_text(answer.answer, c.n)))
    return views


def _citation_view(c: Citation, meta: Any, store: Any, claim: str) -> CitationView:
    paragraphs: list[ParagraphView] = []
    for pid in c.paragraph_ids:
        try:
            p = store.get_paragraph(pid)
        except KeyError:
            p = None
        text = _field(p, "text")
        if text:
            paragraphs.append(ParagraphView(pid, text, None))
    note = ""
    cited = c.text.strip()
    if not paragraphs or (cited and cited not in "\n".join(pv.text for pv in paragraphs)):
        # The report was re-ingested or removed after the answer: show the passage the answer used.
        note = STALE_NOTE if c.paragraph_ids else ""
        paragraphs = [ParagraphView(",".join(c.paragraph_ids), c.text, None)]
    # Mark the cited passage where it occurs; else the best sentence of each paragraph.
    located = False
    for pv in paragraphs:
        if cited and cited in pv.text:
            i = pv.text.find(cited)
            pv.mark = (i, i + len(cited)) if cited != pv.text.strip() else None
            located = True
    for pv in paragraphs:
        if pv.mark is None and (not located or len(paragraphs) == 1):
            pv.mark = highlight_span(pv.text, "", claim)
    return CitationView(
        n=c.n, doc_id=c.doc_id, unit=_unit_display(meta, c.unit or c.doc_id),
        title=str(_field(meta, "title") or ""), period=_period_display(meta),
        section=c.section, cited_text=c.text, paragraphs=paragraphs, note=note,
    )


def _marked_html(text: str, mark: tuple[int, int] | None) -> str:
    if mark is None:
        return html.escape(text)
    a, b = mark
    return (html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>"
            + html.escape(text[b:]))


def render_sources_html(views: Sequence[CitationView]) -> str:
    """The list of sources under an answer."""
    if not views:
        return '<div class="sources-empty">Chưa có nguồn trích dẫn.</div>'
    items = []
    for v in views:
        meta = " · ".join(x for x in (v.title, v.period) if x)
        snippet = v.cited_text if len(v.cited_text) <= 220 else v.cited_text[:217].rstrip() + "…"
        items.append(
            f'<li class="source-item" data-n="{v.n}">'
            f'<div class="source-head"><b>[{v.n}] {html.escape(v.unit)}</b>'
            f' <span class="source-doc">({html.escape(v.doc_id)})</span></div>'
            + (f'<div class="source-meta">{html.escape(meta)}</div>' if meta else "")
            + (f'<div class="source-section">Mục: {html.escape(v.section)}</div>' if v.section else "")
            + f'<div class="source-snippet">{html.escape(snippet)}</div></li>'
        )
    return f'<ol class="source-list">{"".join(items)}</ol>'


def render_passage_html(view: CitationView | None) -> str:
    """One citation opened: its report, section and full paragraph(s), cited sentence marked."""
    if view is None:
        return '<div class="passage-empty">Chọn một trích dẫn để xem đoạn văn gốc.</div>'
    head = " · ".join(x for x in (view.title, view.period) if x)
    paras = "".join(
        f'<p class="passage-para" data-pid="{html.escape(pv.paragraph_id)}">'
        f"{_marked_html(pv.text, pv.mark)}</p>"
        for pv in view.paragraphs
    )
    return (
        f'<div class="passage" data-n="{view.n}">'
        f'<div class="passage-unit"><b>[{view.n}] {html.escape(view.unit)}</b></div>'
        + (f'<div class="passage-meta">{html.escape(head)}</div>' if head else "")
        + (f'<div class="passage-section">Mục: {html.escape(view.section)}</div>' if view.section else "")
        + (f'<div class="passage-note">{html.escape(view.note)}</div>' if view.note else "")
        + f'<div class="passage-body">{paras}</div></div>'
    )


def render_answer_markdown(answer: Answer) -> str:
    """The assistant's chat message: prose with [n] markers plus plain-language notes."""
    lines = [_end_lists(answer.answer.strip()) or "(không có nội dung)"]
    notes: list[str] = []
    if answer.abstained:
        notes.append("Không tìm thấy thông tin này trong các báo cáo đã nạp; "
                     "hệ thống không đưa ra câu trả lời phỏng đoán.")
    # The answerer's own notes (lexical-only retrieval, LLM fallback, ...).
    notes.extend(n for n in answer.notes if n and n not in notes)
    if notes:
        lines.append("")
        lines.extend(f"> ⚠️ {escape_markdown(n)}" for n in notes)
    return "\n".join(lines)


_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s")


def _end_lists(text: str) -> str:
    """A plain line right after a bullet list starts a new paragraph (markdown would glue it to
    the last item, e.g. the "Lưu ý: ..." line after a list of units)."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and line.strip() and not _BULLET_RE.match(line) and _BULLET_RE.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


CITE_ANCHOR = "nguon-"  # "#nguon-2" links a [2] marker in the chat to citation 2 (see app.py)
_LINKED_MARKER_RE = re.compile(r"\[\[(\d+)\]\]\(#" + CITE_ANCHOR + r"\d+\)")


def link_markers(markdown: str, numbers: Iterable[int]) -> str:
    """Turn the [n] markers of cited numbers into in-page links the app opens as citations."""
    wanted = {int(n) for n in numbers}
    return _MARKER_RE.sub(lambda m: f"[[{m.group(1)}]](#{CITE_ANCHOR}{m.group(1)})"
                          if int(m.group(1)) in wanted else m.group(0), markdown)


def unlink_markers(markdown: str) -> str:
    """Back to plain [n] (an older answer whose citations are no longer in the sources panel)."""
    return _LINKED_MARKER_RE.sub(lambda m: f"[{m.group(1)}]", markdown)


def escape_markdown(text: str) -> str:
    """Keep user/report text literal inside chat markdown (no links, no HTML)."""
    return re.sub(r"([\\`*_{}<>#|])", r"\\\1", text)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with BOM so Excel opens Vietnamese text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


# --------------------------------------------------------------------------------------------
# The backend the app talks to
# --------------------------------------------------------------------------------------------
class AppBackend:
    """Wraps `Services` for the UI. Ingest and removal are serialised by one lock; questions are
    not (the store and indexes give readers either the old or the new state of a report)."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self._ingest_lock = threading.Lock()
        self._eval_lock = threading.Lock()
        self._answerer: Any = None
        self._answerer_lock = threading.Lock()

    @property
    def store(self) -> Any:
        return self.services.store

    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.store) / UPLOADS_DIRNAME

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_file_mb * 1_048_576)

    # ---- chat ----
    def ask(self, question: str, history: list[str] | None = None,
            filters: QueryFilters | None = None) -> Answer:
        if filters is not None and not filters.is_empty() and not filters.doc_ids:
            return Answer(question=question, answer=NO_MATCH_REPLY, abstained=True, citations=[])
        return self.answerer.ask(question, history=history or None, filters=filters)

    @property
    def answerer(self) -> Any:
        answerer = getattr(self.services, "answerer", None) or \
            (getattr(self.services, "extras", None) or {}).get("answerer")
        if answerer is None:  # services built without one: wire the default answerer once
            with self._answerer_lock:
                if self._answerer is None:
                    from assistant.answerer import Answerer

                    self._answerer = Answerer.from_services(self.services)
            answerer = self._answerer
        return answerer

    def citation_views(self, answer: Answer) -> list[CitationView]:
        return build_citation_views(answer, self.store)

    def mode_text(self, answer: Answer) -> str:
        retrieval = {"hybrid": "kết hợp ngữ nghĩa + từ khóa", "lexical": "chỉ từ khóa",
                     "dense": "chỉ ngữ nghĩa"}.get(answer.retrieval, answer.retrieval)
        mode = "mô hình ngôn ngữ" if answer.mode == "llm" else "trích xuất"
        total = answer.timings_ms.get("total")
        took = f" · {total / 1000:.1f} s" if total is not None else ""
        return f"Truy xuất: {retrieval} · Cách trả lời: {mode}{took}"

    # ---- filters ----
    def filter_choices(self) -> dict[str, list[Any]]:
        """Dropdown choices from the reports table: provinces, units, periods ((label, code))."""
        provinces: set[str] = set()
        units: set[str] = set()
        periods: dict[str, str] = {}
        for r in self.store.list_reports():
            if _field(r, "province"):
                provinces.add(str(_field(r, "province")))
            if _field(r, "unit"):
                units.add(str(_field(r, "unit")))
            code = _field(r, "period")
            if code:
                label = _field(r, "period_label") or code
                periods.setdefault(str(code), f"{label} ({code})" if label != code else str(code))
        return {
            "provinces": sorted(provinces),
            "units": sorted(units),
            "periods": [(label, code) for code, label in sorted(periods.items())],
        }

    def make_filters(self, provinces: Sequence[str] | None, units: Sequence[str] | None,
                     periods: Sequence[str] | None) -> QueryFilters | None:
        """The sidebar filters as QueryFilters; `doc_ids` lists the reports that match every chosen
        facet (the choices come from the store, so plain equality is right)."""
        from index.query import QueryFilters

        if not (provinces or units or periods):
            return None
        doc_ids = [str(_field(r, "doc_id")) for r in self.store.list_reports()
                   if (not provinces or _field(r, "province") in provinces)
                   and (not units or _field(r, "unit") in units)
                   and (not periods or _field(r, "period") in periods)]
        return QueryFilters(units=list(units or []), provinces=list(provinces or []),
                            periods=list(periods or []), doc_ids=doc_ids)

    def example_questions(self, limit: int = 2) -> list[str]:
        """Questions about units actually in the store (the first few reports)."""
        out: list[str] = []
        for r in self.store.list_reports()[:limit]:
            unit, unit_type = _field(r, "unit"), _field(r, "unit_type")
            if unit:
                name = f"{unit_type} {unit}" if unit_type else str(unit)
                out.append(f"Tỷ lệ hồ sơ trực tuyến của {name} là bao nhiêu?" if not out
                           else f"{name[0].upper()}{name[1:]} kiến nghị, đề xuất gì?")
        return out

    # ---- reports tab ----
    REPORT_COLUMNS: tuple[str, ...] = (
        "Mã báo cáo", "Đơn vị", "Loại", "Tỉnh", "Kỳ báo cáo", "Số hiệu", "Ngày", "Tiêu đề", "Người ký",
        "Số đoạn", "Số chỉ tiêu", "Nạp lúc", "Cảnh báo",
    )

    def reports_frame(self) -> Any:
        """One row per ingested report with its metadata (empty cells for what the report omits)."""
        import time

        import pandas as pd

        rows = []
        for r in self.store.list_reports():
            ingested = _field(r, "ingested_at")
            rows.append([
                _field(r, "doc_id"), _field(r, "unit") or "", _field(r, "unit_type") or "",
                _field(r, "province") or "", _period_display(r), _field(r, "report_number") or "",
                _field(r, "date") or "", _field(r, "title") or "", _field(r, "signer") or "",
                _field(r, "n_paragraphs") or 0, _field(r, "n_indicators") or 0,
                time.strftime("%Y-%m-%d %H:%M", time.localtime(ingested)) if ingested else "",
                "; ".join(str(w) for w in _field(r, "warnings") or []),
            ])
        return pd.DataFrame(rows, columns=list(self.REPORT_COLUMNS))

    def doc_ids(self) -> list[str]:
        return [str(_field(r, "doc_id")) for r in self.store.list_reports()]

    def ingest_uploads(self, files: Sequence[tuple[Path, str]],
                       progress: ProgressFn | None = None) -> list[FileOutcome]:
        """Check and stage every uploaded file, then ingest the accepted ones in one batch (one
        lexical index rebuild), all under the ingest lock. One outcome per file, in input order."""
        progress = progress or (lambda _f, _d: None)
        if not files:
            return [FileOutcome("", None, False, "Chưa chọn tệp nào.")]
        with self._ingest_lock:
            outcomes: list[FileOutcome | None] = [None] * len(files)
            staged: dict[int, tuple[str, Path, Path | None]] = {}  # i -> (shown, path, backup)
            for i, (src, name) in enumerate(files):
                shown = client_basename(name) or src.name
                progress(STAGE_SHARE * i / len(files), f"Kiểm tra {shown}")
                try:
                    doc_id = safe_doc_id(shown)
                    if any(p.stem == doc_id for _s, p, _b in staged.values()):
                        raise UploadError(f"{shown}: trùng tên với một tệp khác trong lần tải lên này.")
                    path, backup = stage_upload_keep_backup(src, shown, self.uploads_dir, self.max_bytes)
                    staged[i] = (shown, path, backup)
                except UploadError as exc:
                    outcomes[i] = FileOutcome(shown, None, False, str(exc))
                except OSError as exc:
                    log.warning("cannot stage %s: %s", shown, exc)
                    outcomes[i] = FileOutcome(shown, None, False,
                                              f"{shown}: không lưu được tệp tải lên ({exc.strerror}).")
            if staged:
                self._ingest_staged(staged, outcomes, progress)
            progress(1.0, "Hoàn tất")
        return [o for o in outcomes if o is not None]

    def _ingest_staged(self, staged: dict[int, tuple[str, Path, Path | None]],
                       outcomes: list[FileOutcome | None], progress: ProgressFn) -> None:
        names = {path.resolve(): shown for shown, path, _b in staged.values()}
        done = 0

        def on_result(res: Any) -> None:
            nonlocal done
            done += 1
            shown = names.get(Path(_field(res, "path", "")).resolve(), "")
            progress(STAGE_SHARE + (1 - STAGE_SHARE) * done / len(staged),
                     f"Đã xử lý {shown} ({done}/{len(staged)})")

        by_path: dict[Path, Any] = {}
        try:
            results = self.services.ingestor.ingest_paths([p for _s, p, _b in staged.values()], progress=False,
                                                          on_result=on_result)
            by_path = {Path(_field(r, "path")).resolve(): r for r in results}
        except Exception as exc:  # never let one batch take the app down
            log.exception("ingest failed")
            for i, (shown, path, backup) in staged.items():
                _restore(path, backup)
                outcomes[i] = FileOutcome(shown, path.stem, False, f"{shown}: lỗi khi nạp ({exc}).")
            return
        for i, (shown, path, backup) in staged.items():
            outcome = self._outcome(shown, path.stem, path, [by_path[path.resolve()]]
                                    if path.resolve() in by_path else [])
            if outcome.ok:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                drop_other_formats(path)
            else:
                _restore(path, backup)
            outcomes[i] = outcome

    def _outcome(self, shown: str, doc_id: str, staged: Path, results: Sequence[Any]) -> FileOutcome:
        res = results[0] if results else None
        if res is None:
            return FileOutcome(shown, doc_id, False, f"{shown}: không nhận được kết quả nạp.")
        error = _field(res, "error")
        if error or _field(res, "status") == "failed":
            return FileOutcome(shown, doc_id, False, _user_error(str(error or "lỗi không rõ"), staged.name, shown))
        status = str(_field(res, "status") or "")
        meta = self.store.get_report_meta(doc_id)
        unit = _unit_display(meta, doc_id) if meta else doc_id
        warnings = list(_field(res, "warnings") or [])
        if status == "unchanged":
            msg = f"{shown}: không thay đổi so với lần nạp trước ({unit})."
        else:
            msg = f"{shown}: đã nạp — {unit}"
            period = _period_display(meta)
            if period:
                msg += f", {period}"
            summary = _field(res, "summary") or {}
            parts = [f"{summary[k]} {label}" for k, label in
                     (("paragraphs", "đoạn"), ("chunks", "khối"), ("indicators", "chỉ tiêu"))
                     if summary.get(k) is not None]
            if parts:
                msg += f" ({', '.join(parts)})"
            msg += "."
        if warnings:
            msg += " Lưu ý: " + "; ".join(str(w) for w in warnings[:3])
        return FileOutcome(shown, doc_id, True, msg)

    @staticmethod
    def outcomes_markdown(outcomes: Sequence[FileOutcome]) -> str:
        ok = sum(o.ok for o in outcomes)
        lines = [f"**Kết quả:** {ok}/{len(outcomes)} tệp nạp thành công."]
        lines += [f"- {'✅' if o.ok else '❌'} {escape_markdown(o.message)}" for o in outcomes]
        return "\n".join(lines)

    def remove_report(self, doc_id: str | None) -> str:
        if not doc_id:
            return "Chưa chọn báo cáo cần xóa."
        if doc_id not in self.doc_ids():
            return f"Không có báo cáo {escape_markdown(doc_id)}."
        with self._ingest_lock:
            try:
                self.services.ingestor.remove(doc_id)
            except Exception:
                log.exception("removing %s failed", doc_id)
                return f"Không xóa được báo cáo {escape_markdown(doc_id)} do lỗi hệ thống; xem nhật ký máy chủ."
            # The staged upload goes too, so a later re-scan does not bring it back.
            if _SAFE_STEM_RE.fullmatch(doc_id):
                for f in self.uploads_dir.glob(f"{doc_id}.*"):
                    if f.suffix.lower() in ALLOWED_SUFFIXES:
                        f.unlink(missing_ok=True)
        return f"Đã xóa báo cáo {escape_markdown(doc_id)}."

    # ---- indicators tab ----
    def indicator_names(self) -> dict[str, str]:
        """Canonical key -> Vietnamese display name (from the taxonomy)."""
        return load_taxonomy_info().names

    def indicator_choices(self) -> list[tuple[str, str]]:
        """(display name, key) of the indicators present in the store."""
        names = self.indicator_names()
        keys = sorted({i.key for i in self.store.query_indicators()},
                      key=lambda k: fold_accents(names.get(k, k)).lower())
        return [(names.get(k, k), k) for k in keys]

    def indicator_table(self, key: str | None = None, unit: str | None = None) -> Any:
        return indicators_frame(self.store.query_indicators(key=key, unit=unit), self.indicator_names())

    def indicator_chart(self, key: str | None) -> tuple[Any, str]:
        """(data frame for the bar chart, measure) of one indicator across units; empty without a key."""
        found = self.store.query_indicators(key=key) if key else []
        return chart_frame(found, exclude_qualifier=load_taxonomy_info().target_qualifier)

    def export_indicators_csv(self, table: Any) -> Path:
        """Write the table shown on screen to <store>/exports/chi_tieu_<time>.csv."""
        import time

        exports = Path(self.settings.store) / EXPORTS_DIRNAME
        if exports.is_dir():  # exports are for download only: drop those older than a day
            for old in exports.glob("chi_tieu_*.csv"):
                if time.time() - old.stat().st_mtime > EXPORT_MAX_AGE_S:
                    old.unlink(missing_ok=True)
        path = exports / f"chi_tieu_{time.strftime('%Y%m%d_%H%M%S')}_{os.urandom(3).hex()}.csv"
        return write_csv(path, list(table.columns), table.itertuples(index=False, name=None))

    # ---- evaluation tab ----
    def run_eval(self, progress: ProgressFn | None = None, full: bool = False) -> EvalRun:
        """Run `python -m eval` in a subprocess on the fixed question set and sample corpus.

        A subprocess keeps the evaluation's own store, models and memory apart from the app (chats
        go on meanwhile) and is the exact command users run. One evaluation at a time.
        """
        progress = progress or (lambda _f, _d: None)
        if not self._eval_lock.acquire(blocking=False):
            return EvalRun(False, "Một lượt đánh giá khác đang chạy; vui lòng đợi.", _empty_frame(), [], None)
        try:
            return self._run_eval(progress, full)
        finally:
            self._eval_lock.release()

    def _run_eval(self, progress: ProgressFn, full: bool) -> EvalRun:
        import subprocess
        import sys
        import time

        out = Path(self.settings.store) / EVAL_DIRNAME / time.strftime("%Y%m%d_%H%M%S")
        out.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "eval", "--out", str(out), "--no-progress"]
        if not full:
            cmd += ["--configs", *EVAL_QUICK_CONFIGS]
        log_path = out / "eval.log"
        t0 = time.monotonic()
        with log_path.open("w", encoding="utf-8") as log_fh:
            proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log_fh, stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONIOENCODING": "utf-8"})
            while proc.poll() is None:
                elapsed = time.monotonic() - t0
                # The subprocess reports no per-question progress: show an elapsed-time estimate.
                progress(min(0.95, elapsed / EVAL_EXPECTED_S[full]), f"Đang chạy bộ câu hỏi… {elapsed:.0f} s")
                time.sleep(0.5)
        progress(1.0, "Hoàn tất")
        results_path = out / "results.json"
        if proc.returncode != 0 or not results_path.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            return EvalRun(False, f"Đánh giá thất bại (mã thoát {proc.returncode}).\n\n```\n{tail}\n```",
                           _empty_frame(), [], out)
        import json

        results = json.loads(results_path.read_text(encoding="utf-8"))
        return EvalRun(True, eval_summary_markdown(results, out), failed_questions_frame(results),
                       sorted(out.glob("*.png")), out)

    def served_dirs(self) -> list[Path]:
        """Directories the web server may serve files from (CSV exports, evaluation charts)."""
        dirs = [Path(self.settings.store) / EXPORTS_DIRNAME, Path(self.settings.store) / EVAL_DIRNAME]
        for d in dirs:
            d.mkdir(parents=True, exist_ok=True)
        return dirs


def _user_error(error: str, staged_name: str, shown: str) -> str:
    """The loader names the staged file; the user knows the file by the name they uploaded."""
    msg = error.replace(staged_name, shown)
    return msg if msg.startswith(shown) else f"{shown}: {msg}"


# --------------------------------------------------------------------------------------------
# Indicators tab
# --------------------------------------------------------------------------------------------
INDICATOR_COLUMNS: tuple[str, ...] = (
    "Chỉ tiêu", "Đơn vị", "Tỉnh", "Kỳ báo cáo", "Giá trị", "Đơn vị đo", "Ghi chú", "Cách ghi trong báo cáo",
    "Câu gốc", "Mã báo cáo", "Mã đoạn",
)
CHART_X, CHART_Y = "Đơn vị", "Giá trị"


def indicators_frame(indicators: Sequence[Any], names: dict[str, str]) -> Any:
    """The indicators table (one row per extracted figure)."""
    import pandas as pd

    rows = [[names.get(i.key, i.key), i.unit or "", i.province or "", i.period or "", i.value, i.measure,
             i.qualifier or "", i.label, i.sentence, i.doc_id, i.paragraph_id] for i in indicators]
    return pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))


def chart_frame(indicators: Sequence[Any], exclude_qualifier: str | None = None) -> tuple[Any, str]:
    """One value per unit (and period when a unit has several) for a bar chart of one indicator.

    Only the most common measure of the indicator is plotted so bars stay comparable; a unit
    with several figures for the same period (e.g. repeated in a table and in prose) keeps the
    first one in document order.
    """
    import pandas as pd

    indicators = [i for i in indicators if exclude_qualifier is None or i.qualifier != exclude_qualifier]
    if not indicators:
        return pd.DataFrame({CHART_X: [], CHART_Y: []}), ""
    measures: dict[str, int] = {}
    for i in indicators:
        measures[i.measure] = measures.get(i.measure, 0) + 1
    measure = max(measures, key=lambda m: measures[m])
    chosen: dict[tuple[str, str], float] = {}
    for i in indicators:
        if i.measure != measure:
            continue
        chosen.setdefault((i.unit or i.doc_id, i.period or ""), float(i.value))
    units_with_many = {u for (u, _p) in chosen if sum(1 for (u2, _q) in chosen if u2 == u) > 1}
    labels = [f"{u} ({p})" if u in units_with_many and p else u for (u, p) in chosen]
    return pd.DataFrame({CHART_X: labels, CHART_Y: list(chosen.values())}), measure


@dataclass(frozen=True, slots=True)
class TaxonomyInfo:
    names: dict[str, str]  # indicator key -> Vietnamese display name
    target_qualifier: str | None  # qualifier of planned/target figures (left out of charts)


@lru_cache(maxsize=1)
def load_taxonomy_info() -> TaxonomyInfo:
    """Display names and the target qualifier from the indicator taxonomy (empty when unreadable)."""
    try:
        from ingest.indicators import load_taxonomy

        taxonomy = load_taxonomy()
    except Exception:  # the tables still show the keys
        log.warning("indicator taxonomy not readable", exc_info=True)
        return TaxonomyInfo({}, None)
    return TaxonomyInfo({d.key: d.name for d in taxonomy.indicators}, taxonomy.target_qualifier)


# --------------------------------------------------------------------------------------------
# Evaluation tab
# --------------------------------------------------------------------------------------------
FAILED_COLUMNS: tuple[str, ...] = ("Mã", "Loại", "Câu hỏi", "Đáp án đúng", "Câu trả lời", "Điểm")
ANSWER_PREVIEW_CHARS = 300


@dataclass(slots=True)
class EvalRun:
    ok: bool
    summary_markdown: str
    failed_frame: Any  # pandas DataFrame
    charts: list[Path]
    out_dir: Path | None


def _empty_frame(columns: Sequence[str] = FAILED_COLUMNS) -> Any:
    import pandas as pd

    return pd.DataFrame(columns=list(columns))


def eval_summary_markdown(results: dict[str, Any], out_dir: Path) -> str:
    """The eval module's own summary (same text as report.md) plus where the files are."""
    from eval.report import render_summary

    acc = results.get("accuracy")
    head = (f"**Độ chính xác ({results.get('main_config') or '–'}): "
            f"{'–' if acc is None else f'{acc * 100:.1f}%'}** · kết quả lưu tại `{out_dir}`")
    return "\n".join([head, "", *render_summary(results)])


def _gold_text(q: dict[str, Any]) -> str:
    gold = q.get("gold")
    if q.get("type") == "none":
        return "(từ chối trả lời)"
    if q.get("type") == "text" and isinstance(gold, list):
        return " ; ".join(" / ".join(map(str, alts)) if isinstance(alts, list) else str(alts) for alts in gold)
    if isinstance(gold, list):
        return ", ".join(map(str, gold))
    return "" if gold is None else str(gold)


def failed_questions_frame(results: dict[str, Any]) -> Any:
    """Questions the main configuration got wrong, one row each."""
    import pandas as pd

    main = results.get("main_config")
    cfg = (results.get("configs") or {}).get(main) or {}
    rows = []
    for q in cfg.get("questions", []):
        if q.get("correct"):
            continue
        a = q.get("answer") or {}
        given = ("(từ chối) " if a.get("abstained") else "") + str(a.get("answer") or "")
        if len(given) > ANSWER_PREVIEW_CHARS:
            given = given[: ANSWER_PREVIEW_CHARS - 1] + "…"
        rows.append([q.get("id"), q.get("type"), q.get("question"), _gold_text(q), given,
                     round(float(q.get("credit") or 0.0), 2)])
    return pd.DataFrame(rows, columns=list(FAILED_COLUMNS))
