"""Uploads into the store: per-file states while a batch is checked, staged and ingested, and
the leftovers of a crash. A mixin of `AppBackend` (which provides the services, the store, the
ingest lock, the upload registry and the folders)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp import fmt
from webapp.citations import field_of, period_display, unit_display
from webapp.uploads import (
    UploadError,
    client_basename,
    discard_cached_copy,
    drop_other_formats,
    find_leftovers,
    restore,
    safe_doc_id,
    scrub_paths,
    stage_upload_keep_backup,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileOutcome:
    """What happened to one uploaded file."""

    name: str  # the client's file name (display only)
    doc_id: str | None
    ok: bool
    message: str  # Vietnamese, naming the file, never a server path
    status: str = ""  # "ingested" | "unchanged" | "refused" | "failed"


@dataclass(slots=True)
class UploadRow:
    name: str
    state: str  # Vietnamese status word
    detail: str
    css: str  # "wait" | "run" | "ok" | "err"


class UploadFlow:
    # Provided by AppBackend.
    settings: Any
    services: Any
    registry: Any
    upload_cache_dir: Path | None
    resumed: list[FileOutcome]
    _ingest_lock: threading.Lock
    store: Any
    uploads_dir: Path
    max_bytes: int

    # ---- uploads -------------------------------------------------------------------------------
    def ingest_uploads(self, files: Sequence[tuple[Path, str]]) -> list[FileOutcome]:
        outcomes: list[FileOutcome] = []
        for outcomes in self.ingest_uploads_iter(files):  # noqa: B007 - the last state is the result
            pass
        return outcomes

    def ingest_uploads_iter(self, files: Sequence[tuple[Path, str]]) -> Iterator[list[FileOutcome]]:
        """Check and stage every file, then ingest the accepted ones in one batch (one lexical
        index rebuild) under the ingest lock. Yields the per-file state after every step."""
        if not files:
            yield [FileOutcome("", None, False, "Chưa chọn tệp nào để nạp.", "refused")]
            return
        shown_names = [client_basename(name) or src.name for src, name in files]
        state = [FileOutcome(s, None, False, "Đang chờ…", "waiting") for s in shown_names]
        yield list(state)
        with self._ingest_lock:
            staged: dict[int, tuple[str, Path, Path | None, Path]] = {}  # i -> (shown, path, backup, src)
            for i, (src, _name) in enumerate(files):
                shown = shown_names[i]
                try:
                    doc_id = safe_doc_id(shown)
                    if any(p.stem == doc_id for _s, p, _b, _src in staged.values()):
                        raise UploadError(f"{shown}: trùng tên với một tệp khác trong lần tải lên này.")
                    path, backup = stage_upload_keep_backup(src, shown, self.uploads_dir, self.max_bytes)
                    staged[i] = (shown, path, backup, src)
                    state[i] = FileOutcome(shown, doc_id, False, "Đang đọc và phân tích…", "running")
                except UploadError as exc:
                    state[i] = FileOutcome(shown, None, False, str(exc), "refused")
                except OSError as exc:
                    log.warning("cannot stage %s: %s", shown, exc)
                    state[i] = FileOutcome(shown, None, False, f"{shown}: không lưu được tệp tải lên "
                                                               f"({exc.strerror or 'lỗi ghi tệp'}).", "failed")
                discard_cached_copy(src, self.upload_cache_dir)  # the staged copy is the only one kept
            yield list(state)
            if staged:
                yield from self._ingest_staged(staged, state)

    def _ingest_staged(self, staged: dict[int, tuple[str, Path, Path | None, Path]],
                       state: list[FileOutcome]) -> Iterator[list[FileOutcome]]:
        by_path = {path.resolve(): i for i, (_s, path, _b, _src) in staged.items()}
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                results = self.services.ingestor.ingest_paths(
                    [p for _s, p, _b, _src in staged.values()], progress=False,
                    on_result=lambda r: events.put(("one", r)))
                events.put(("done", results))
            except BaseException as exc:  # never let one batch take the app down
                events.put(("error", exc))

        threading.Thread(target=work, name="ingest-uploads", daemon=True).start()
        results: dict[int, Any] = {}
        while True:
            kind, value = events.get()
            if kind == "one":
                i = by_path.get(Path(field_of(value, "path", "")).resolve())
                if i is not None:
                    results[i] = value
                    state[i] = FileOutcome(state[i].name, state[i].doc_id, False,
                                           "Đã đọc xong; đang cập nhật chỉ mục tìm kiếm…", "running")
                    yield list(state)
            elif kind == "error":
                log.error("ingest failed", exc_info=value)
                for i, (shown, path, backup, _src) in staged.items():
                    restore(path, backup)
                    state[i] = FileOutcome(shown, path.stem, False, f"{shown}: lỗi hệ thống khi nạp; "
                                                                   "quản trị viên xem nhật ký máy chủ.", "failed")
                yield list(state)
                return
            else:
                break
        for i, (shown, path, backup, src) in staged.items():
            outcome = self._outcome(shown, path, src, results.get(i))
            if outcome.ok:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                drop_other_formats(path)
                self.registry.set(path.stem, shown)
            else:
                restore(path, backup)
            state[i] = outcome
        yield list(state)

    def _outcome(self, shown: str, staged: Path, src: Path | None, res: Any) -> FileOutcome:
        doc_id = staged.stem
        if res is None:
            return FileOutcome(shown, doc_id, False, f"{shown}: không nhận được kết quả nạp.", "failed")
        error = field_of(res, "error")
        if error or field_of(res, "status") == "failed":
            names = {str(staged): shown, str(staged.resolve()): shown, staged.name: shown}
            if src is not None:
                names[str(src)] = shown
            msg = scrub_paths(str(error or "lỗi không rõ"), names,
                              [r for r in (Path(self.settings.store), self.upload_cache_dir) if r is not None])
            return FileOutcome(shown, doc_id, False, msg if msg.startswith(shown) else f"{shown}: {msg}", "failed")
        meta = self.store.get_report_meta(doc_id)
        unit = unit_display(meta, doc_id) if meta else doc_id
        period = period_display(meta)
        if field_of(res, "status") == "unchanged":
            return FileOutcome(shown, doc_id, True, f"Không thay đổi so với lần nạp trước ({unit}).", "unchanged")
        summary = field_of(res, "summary") or {}
        parts = [f"{fmt.number(summary[k])} {label}" for k, label in
                 (("paragraphs", "đoạn"), ("indicators", "chỉ tiêu")) if summary.get(k) is not None]
        msg = f"{unit}" + (f", {period}" if period else "") + (f" ({', '.join(parts)})" if parts else "") + "."
        warnings = list(field_of(res, "warnings") or [])
        if warnings:
            msg += " Lưu ý: " + "; ".join(str(w) for w in warnings[:3])
        return FileOutcome(shown, doc_id, True, msg, "ingested")

    @staticmethod
    def upload_rows(outcomes: Sequence[FileOutcome]) -> list[UploadRow]:
        words = {"waiting": ("Đang chờ", "wait"), "running": ("Đang nạp", "run"), "ingested": ("Đã nạp", "ok"),
                 "unchanged": ("Không đổi", "ok"), "refused": ("Từ chối", "err"), "failed": ("Lỗi", "err")}
        rows = []
        for o in outcomes:
            state, css = words.get(o.status, ("", "wait"))
            detail = o.message[len(o.name) + 2:] if o.name and o.message.startswith(o.name + ": ") else o.message
            rows.append(UploadRow(o.name, state, detail, css))
        return rows

    def resume_leftovers(self) -> list[FileOutcome]:
        """Ingest uploads left behind by a crash (staged but not, or not fully, ingested)."""
        with self._ingest_lock:
            manifest = {doc: info.get("content_hash") for doc, info in self.store.manifest().items()}
            left = find_leftovers(self.uploads_dir, manifest)
        if not left:
            return []
        names = self.registry.all()
        staged = {i: ((names[lo.path.stem].name if lo.path.stem in names else lo.path.name), lo.path, lo.backup, None)
                  for i, lo in enumerate(left)}
        initial = [FileOutcome(s, p.stem, False, "", "running") for s, p, _b, _src in staged.values()]
        state = initial
        with self._ingest_lock:
            for state in self._ingest_staged(staged, initial):  # noqa: B007 - the last state is the result
                pass
        log.info("resumed %d leftover upload(s): %s", len(state), [(o.name, o.status) for o in state])
        self.resumed = state
        return state
