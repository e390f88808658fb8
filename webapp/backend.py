"""`AppBackend`: the app's one door to the answering services (`assistant.services`).

Questions go to `services.answerer.ask(question, history, filters)`; ingest and removal to the
services' ingestor, serialised by one lock (questions never wait for it: the store and indexes
give readers either the old or the new state of a report). Everything returned is plain data.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.models import Answer
from ingest.labels import unit_label
from ingest.text import fold_accents
from webapp import fmt
from webapp.citations import CitationView, build_citation_views, field_of, period_display, unit_display
from webapp.export import ExportTurn, export_path, write_csv, write_docx
from webapp.indicators import (
    CSV_COLUMNS,
    IndicatorView,
    build_view,
    load_taxonomy_info,
    measure_label,
    measures_of,
)
from webapp.llm_stream import StreamingComposer
from webapp.upload_flow import FileOutcome, UploadFlow
from webapp.uploads import ALLOWED_SUFFIXES, SAFE_STEM_RE, UPLOADS_DIRNAME, UploadRegistry

if TYPE_CHECKING:
    from assistant.services import Services
    from index.query import QueryFilters
    from index.settings import Settings

log = logging.getLogger(__name__)

EXPORTS_DIRNAME = "exports"
NO_MATCH_REPLY = "Không có báo cáo nào khớp bộ lọc đã chọn (tỉnh, đơn vị, kỳ báo cáo)."
# The answerer's note about lexical-only retrieval: the app shows the mode in its status badge.
RETRIEVAL_NOTE_PREFIX = "Tìm kiếm chỉ dùng chỉ mục từ vựng"
REPORT_COLUMNS: tuple[str, ...] = ("Đơn vị", "Tỉnh", "Kỳ báo cáo", "Số hiệu", "Ngày báo cáo", "Tệp gốc",
                                   "Nạp lúc", "Số đoạn", "Số chỉ tiêu", "Cảnh báo")


def vn_date(iso: str | None) -> str:
    """"2026-05-18" -> "18/05/2026" (other text unchanged)."""
    if iso and len(iso) == 10 and iso[4] == "-" and iso[7] == "-":
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    return iso or ""


def vn_time(ts: float | None) -> str:
    return time.strftime("%d/%m/%Y %H:%M", time.localtime(ts)) if ts else ""


@dataclass(slots=True)
class Delta:
    """A piece of a streamed LLM answer."""

    text: str


class AppBackend(UploadFlow):
    """The services as the app needs them (uploads: see `UploadFlow`)."""

    def __init__(self, settings: Settings, services: Services, upload_cache_dir: Path | None = None) -> None:
        self.settings = settings
        self.services = services
        self.upload_cache_dir = upload_cache_dir
        self._ingest_lock = threading.Lock()
        self.registry = UploadRegistry(self.uploads_dir)
        self.resumed: list[FileOutcome] = []  # leftover uploads ingested at start
        self.streamer: StreamingComposer | None = None
        answerer = services.answerer
        if getattr(answerer, "llm", None) is not None:
            self.streamer = StreamingComposer(answerer.llm)
            answerer.llm = self.streamer  # same interface; streams only for chat threads that ask to

    @property
    def store(self) -> Any:
        return self.services.store

    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.store) / UPLOADS_DIRNAME

    @property
    def exports_dir(self) -> Path:
        return Path(self.settings.store) / EXPORTS_DIRNAME

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_file_mb * 1_048_576)

    @property
    def retrieval_mode(self) -> str:
        return str(self.services.retrieval_mode)

    @property
    def llm_model(self) -> str | None:
        return (self.settings.llm.model or "LLM") if self.streamer is not None else None

    # ---- chat ----------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[str] | None = None,
            filters: QueryFilters | None = None) -> Answer:
        if filters is not None and not filters.is_empty() and not filters.doc_ids:
            return Answer(question=question, answer=NO_MATCH_REPLY, abstained=True, citations=[],
                          retrieval=self.retrieval_mode)  # type: ignore[arg-type]
        answer = self.services.answerer.ask(question, history=list(history or []) or None, filters=filters)
        answer.notes = [n for n in answer.notes if not n.startswith(RETRIEVAL_NOTE_PREFIX)]
        return answer

    def ask_stream(self, question: str, history: Sequence[str] | None, filters: QueryFilters | None,
                   stop: threading.Event) -> Iterator[Delta | Answer]:
        """Pieces of the LLM's text as they arrive (LLM configured), then the final Answer."""
        if self.streamer is None:
            yield self.ask(question, history, filters)
            return
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        streamer = self.streamer

        def work() -> None:
            try:
                with streamer.routed(lambda piece: events.put(("delta", piece)), stop):
                    events.put(("final", self.ask(question, history, filters)))
            except BaseException as exc:
                events.put(("error", exc))

        threading.Thread(target=work, name="chat-answer", daemon=True).start()
        try:
            while True:
                kind, value = events.get()
                if kind == "delta":
                    yield Delta(value)
                elif kind == "final":
                    yield value
                    return
                else:
                    raise value
        finally:
            stop.set()  # the page stopped listening: end the model's stream too

    def citation_views(self, answer: Answer, question: str = "") -> list[CitationView]:
        return build_citation_views(answer, self.store, question, self.file_names())

    # ---- filters -------------------------------------------------------------------------------
    def filter_choices(self) -> dict[str, list[Any]]:
        """Dropdown choices from the reports table: provinces, units, periods ((label, code))."""
        provinces: set[str] = set()
        units: set[str] = set()
        periods: dict[str, str] = {}
        for r in self.store.list_reports():
            if field_of(r, "province"):
                provinces.add(str(field_of(r, "province")))
            if field_of(r, "unit"):
                units.add(str(field_of(r, "unit")))
            code = field_of(r, "period")
            if code:
                periods.setdefault(str(code), str(field_of(r, "period_label") or code))
        key = lambda s: fold_accents(s).lower()  # noqa: E731
        return {"provinces": sorted(provinces, key=key), "units": sorted(units, key=key),
                "periods": [(label, code) for code, label in sorted(periods.items())]}

    def make_filters(self, provinces: Sequence[str] | None, units: Sequence[str] | None,
                     periods: Sequence[str] | None) -> QueryFilters | None:
        """The chosen filters; `doc_ids` lists the reports that match every chosen facet."""
        from index.query import QueryFilters

        if not (provinces or units or periods):
            return None
        doc_ids = [str(field_of(r, "doc_id")) for r in self.store.list_reports()
                   if (not provinces or field_of(r, "province") in provinces)
                   and (not units or field_of(r, "unit") in units)
                   and (not periods or field_of(r, "period") in periods)]
        return QueryFilters(units=list(units or []), provinces=list(provinces or []),
                            periods=list(periods or []), doc_ids=doc_ids)

    def filter_chips(self, provinces: Sequence[str] | None, units: Sequence[str] | None,
                     periods: Sequence[str] | None) -> tuple[list[tuple[str, str]], int, int | None]:
        """(facet, value) chips, number of reports, number matching (None without filters)."""
        labels = {code: label for label, code in self.filter_choices()["periods"]}
        chips = [("Tỉnh", p) for p in provinces or []] + [("Đơn vị", u) for u in units or []] + \
                [("Kỳ báo cáo", labels.get(p, p)) for p in periods or []]
        f = self.make_filters(provinces, units, periods)
        return chips, len(self.store.list_reports()), (len(f.doc_ids) if f else None)

    def example_questions(self, limit: int = 2) -> list[str]:
        """Questions about units actually in the store (the first few reports)."""
        out: list[str] = []
        for r in self.store.list_reports()[:limit]:
            unit, unit_type = field_of(r, "unit"), field_of(r, "unit_type")
            if unit:
                name = unit_label(unit, unit_type)
                out.append(f"Tỷ lệ hồ sơ trực tuyến của {name} là bao nhiêu?" if not out
                           else f"{name[0].upper()}{name[1:]} kiến nghị, đề xuất gì?")
        return out

    # ---- reports tab ---------------------------------------------------------------------------
    def file_names(self) -> dict[str, str]:
        """doc_id -> the file name the report came from (as uploaded, else as ingested)."""
        uploaded = self.registry.all()
        out = {}
        for r in self.store.list_reports():
            doc_id = str(field_of(r, "doc_id"))
            entry = uploaded.get(doc_id)
            out[doc_id] = entry.name if entry else Path(str(field_of(r, "source_path") or doc_id)).name
        return out

    def reports_rows(self) -> list[list[Any]]:
        """One row per ingested report (REPORT_COLUMNS); no internal ids."""
        names = self.file_names()
        rows = []
        for r in sorted(self.store.list_reports(), key=lambda r: fold_accents(unit_display(r, "")).lower()):
            rows.append([unit_display(r, ""), field_of(r, "province") or "", period_display(r),
                         field_of(r, "report_number") or "", vn_date(field_of(r, "date")),
                         names.get(str(field_of(r, "doc_id")), ""), vn_time(field_of(r, "ingested_at")),
                         fmt.number(field_of(r, "n_paragraphs") or 0), fmt.number(field_of(r, "n_indicators") or 0),
                         "; ".join(str(w) for w in field_of(r, "warnings") or [])])
        return rows

    def report_label(self, r: Any, names: dict[str, str]) -> str:
        parts = [unit_display(r, ""), period_display(r), names.get(str(field_of(r, "doc_id")), "")]
        when = vn_time(field_of(r, "ingested_at"))
        return " — ".join(p for p in parts if p) + (f" (nạp {when})" if when else "")

    def report_choices(self) -> list[tuple[str, str]]:
        """(label naming unit, period, file and date; doc_id) for the removal list."""
        names = self.file_names()
        reports = sorted(self.store.list_reports(), key=lambda r: fold_accents(unit_display(r, "")).lower())
        return [(self.report_label(r, names), str(field_of(r, "doc_id"))) for r in reports]

    def doc_ids(self) -> list[str]:
        return [str(field_of(r, "doc_id")) for r in self.store.list_reports()]

    def removal_summary(self, doc_id: str | None) -> str | None:
        """What removing a report deletes, in words (None when there is no such report)."""
        meta = self.store.get_report_meta(doc_id) if doc_id else None
        if not meta:
            return None
        name = self.file_names().get(doc_id, "")
        facts = ", ".join(x for x in (f"kỳ {period_display(meta)}" if period_display(meta) else "",
                                      f"số {meta['report_number']}" if meta.get("report_number") else "",
                                      f"ngày {vn_date(meta.get('date'))}" if meta.get("date") else "") if x)
        staged = [f for f in self.uploads_dir.glob(f"{doc_id}.*")
                  if SAFE_STEM_RE.fullmatch(doc_id) and f.suffix.lower() in ALLOWED_SUFFIXES]
        keep = ("Tệp gốc đã tải lên cũng bị xóa." if staged else
                "Tệp gốc không nằm trong thư mục tải lên nên không bị xóa; nạp lại tệp đó sẽ thêm báo cáo trở lại.")
        return (f"Sẽ xóa báo cáo của {unit_display(meta, doc_id)}" + (f" ({facts})" if facts else "")
                + (f", tệp {name}" if name else "") + ": "
                + f"{fmt.number(meta.get('n_paragraphs') or 0)} đoạn văn và {fmt.number(meta.get('n_indicators') or 0)} "
                "chỉ tiêu, khỏi kho tìm kiếm và bảng chỉ tiêu. " + keep + " Không thể hoàn tác.")

    def remove_report(self, doc_id: str | None) -> str:
        """Remove a report everywhere (store, indexes, staged upload); a Vietnamese result line."""
        if not doc_id:
            return "Chưa chọn báo cáo cần xóa."
        meta = self.store.get_report_meta(doc_id)
        if not meta:
            return "Không còn báo cáo này trong kho (có thể đã bị xóa)."
        label = unit_display(meta, doc_id) + (f", {period_display(meta)}" if period_display(meta) else "")
        with self._ingest_lock:
            try:
                self.services.ingestor.remove(doc_id)
            except Exception:
                log.exception("removing %s failed", doc_id)
                return f"Không xóa được báo cáo {label} do lỗi hệ thống; quản trị viên xem nhật ký máy chủ."
            # The staged upload goes too, so a later re-scan does not bring it back.
            if SAFE_STEM_RE.fullmatch(doc_id):
                for f in self.uploads_dir.glob(f"{doc_id}.*"):
                    if f.suffix.lower() in ALLOWED_SUFFIXES or f.name.endswith(".bak"):
                        f.unlink(missing_ok=True)
            self.registry.forget(doc_id)
        return f"Đã xóa báo cáo {label}."

    def start_background(self) -> threading.Thread:
        """At app start: ingest leftover uploads, then warm the answerer up, so its first-use
        set-up (seconds on a large store) is not paid by the first official."""
        def run() -> None:
            self.resume_leftovers()
            t0 = time.perf_counter()
            try:
                self.services.answerer.warm_up()
            except Exception:  # only a warm-up: the first real question will show any error
                log.warning("answerer warm-up failed", exc_info=True)
            log.info("answerer ready in %.1f s", time.perf_counter() - t0)

        t = threading.Thread(target=run, name="app-start", daemon=True)
        t.start()
        return t

    # ---- indicators tab ------------------------------------------------------------------------
    def indicator_choices(self) -> list[tuple[str, str]]:
        """(display name, key) of the indicators present in the store."""
        names = load_taxonomy_info().names
        keys = sorted({i.key for i in self.store.query_indicators()},
                      key=lambda k: fold_accents(names.get(k, k)).lower())
        return [(names.get(k, k), k) for k in keys]

    def measure_choices(self, key: str | None) -> list[tuple[str, str]]:
        if not key:
            return []
        return [(measure_label(m), m) for m in measures_of(self.store.query_indicators(key=key), key)]

    def indicator_view(self, key: str | None, measure: str | None = None, unit: str | None = None) -> IndicatorView | None:
        if not key:
            return None
        reports = {str(field_of(r, "doc_id")): r for r in self.store.list_reports()}
        return build_view(self.store.query_indicators(key=key), key, measure, reports, self.file_names(), unit)

    def export_indicators_csv(self, view: IndicatorView) -> Path:
        return write_csv(export_path(self.exports_dir, "chi_tieu", ".csv"), CSV_COLUMNS, view.csv_rows)

    # ---- exports -------------------------------------------------------------------------------
    def export_docx(self, turns: Sequence[ExportTurn], title: str, stem: str) -> Path:
        return write_docx(export_path(self.exports_dir, stem, ".docx"), turns, title)

    def served_dirs(self) -> list[Path]:
        """Directories the web server may serve files from (exports, evaluation charts)."""
        from webapp.evaluation import EVAL_DIRNAME

        dirs = [self.exports_dir, Path(self.settings.store) / EVAL_DIRNAME]
        for d in dirs:
            d.mkdir(parents=True, exist_ok=True)
        return dirs
