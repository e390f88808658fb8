"""Incremental, crash-consistent ingestion: files -> Report/Chunks/Indicators -> SQLite, BM25, Chroma.

Per file:
1. sha256 of the raw bytes; equal to the manifest hash -> "unchanged", no work (except adding vectors
   that are missing, e.g. after the embedding model became available).
2. load -> parse -> chunk -> extract indicators -> analyse chunk terms (cached in SQLite).
3. dense on: embed the chunks and write their vectors under NEW ids (chunk id + content hash).
4. ONE SQLite transaction replaces the report, paragraphs, chunks, indicators and manifest row.
5. delete the file's stale vectors (old ids). Readers map vector hits through SQLite, so a crash
   between steps leaves either the old or the new state visible, never a mix.
The BM25 index is updated from cached terms once per batch (and by readers whenever the store
generation moved): changed reports go to a small delta segment, which is merged into the base when it
grows large; every version is swapped in atomically.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from index.analyzer import VietnameseAnalyzer
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.settings import Settings
from index.store import ReportStore, vector_id
from index.vector import VectorIndex
from ingest.chunker import index_text
from ingest.loaders import SUPPORTED_SUFFIXES, is_junk_file, unsupported_reason
from ingest.models import Chunk, Fact, Indicator, Report

log = logging.getLogger(__name__)

# "skipped": a file of a kind that is not read (named with the reason; the CLI exits 1);
# "ignored": a hidden/lock/temporary file in a folder, not a report (a note; exit status unaffected);
# "duplicate": the same bytes as another report, which is kept (a warning; exit status unaffected).
Status = Literal["ingested", "unchanged", "failed", "skipped", "ignored", "duplicate"]
NOT_INGESTED: frozenset[str] = frozenset({"failed", "skipped"})  # statuses that make the CLI exit 1


@dataclass
class IngestResult:
    path: Path
    doc_id: str
    status: Status
    summary: dict[str, Any] | None = None  # the --json object (from the store)
    error: str | None = None  # one Vietnamese line naming the file and the reason
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


LIST_VECTORS_MIN_FILES = 20
PARSER_VERSION_META = "parser_version"
# Reports are read again when the reader of their text or figures changes (parser, loaders, gazetteer,
# vocabulary, the indicator extractor and its table reading).
PARSER_VERSION = "parser-" + hashlib.sha1(b"".join(
    p.read_bytes() for p in sorted([*(Path(__file__).parent.parent / "ingest" / "parser").glob("*.py"),
                                    *(Path(__file__).parent.parent / "ingest" / n for n in
                                      ("loaders.py", "gazetteer.py", "vocabulary.toml", "periods.py",
                                       "legacy_vi.py", "indicators.py", "tables.py"))]) if p.exists())).hexdigest()[:10]
EMBED_MODEL_META = "embed_model"  # store meta: identity of the model the last ingest embedded with


@dataclass
class EmbedStats:
    """Embedding work of one `ingest_paths` call (for the CLI and the logs)."""

    model: str | None = None  # label of the embedding model, None when dense is off
    chunks: int = 0  # chunks embedded (new or changed files, and vectors missing for the model)
    seconds: float = 0.0
    switched_from: str | None = None  # identity of the previous model when it changed

    def message(self) -> str | None:
        """One Vietnamese line for the ingest output."""
        if self.model is None:
            return None
        rate = f", {self.chunks / self.seconds:.1f} khối/giây" if self.chunks and self.seconds else ""
        line = f"Mô hình nhúng: {self.model}; đã nhúng {self.chunks} khối ({self.seconds:.1f} giây{rate})."
        if self.switched_from:
            line += (f" Mô hình đã đổi (trước: {self.switched_from}): các khối được nhúng lại vào bộ sưu tập "
                     "riêng của mô hình mới.")
        return line


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestResult]]:
    """Files to ingest (folders expanded recursively) and the results of everything else: missing
    paths, files of kinds that are not read ("skipped", with the reason and what to do) and hidden or
    temporary files ("ignored"). Files inside hidden folders (.git, ...) are not looked at."""
    files: list[Path] = []
    others: list[IngestResult] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts[:-1]):
                    continue
                if is_junk_file(f):
                    others.append(IngestResult(f, f.stem, "ignored", warnings=[
                        f"{f}: bỏ qua tệp ẩn hoặc tệp tạm (không phải báo cáo)"]))
                elif f.suffix.lower() not in SUPPORTED_SUFFIXES:
                    others.append(IngestResult(f, f.stem, "skipped",
                                               error=f"{f}: không nạp — {unsupported_reason(f)}"))
                else:
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            others.append(IngestResult(p, p.stem, "failed", error=f"{p}: không tìm thấy tệp hoặc thư mục"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, others


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Ingestor:
    def __init__(self, settings: Settings, store: ReportStore, lexical: LexicalIndex,
                 vector: VectorIndex | None = None, parser: Any = None, chunker: Any = None,
                 extractor: Any = None, embedder: Embedder | None = None,
                 analyzer: VietnameseAnalyzer | None = None) -> None:
        self.settings = settings
        self.store = store
        self.lexical = lexical
        self.vector = vector if embedder is not None else None
        self.embedder = embedder if vector is not None else None
        self._parser = parser
        self._chunker = chunker
        self.extractor = extractor
        self.analyzer = analyzer or lexical.analyzer
        self._known_vectors: set[str] | None = None  # vector ids listed at the start of a batch
        self._facts_extractor: Any = None
        self._digests: dict[Path, str] = {}  # content hashes computed for the batch's duplicate check
        self.embed_stats = EmbedStats()  # what the last ingest_paths call embedded
        self._reparse = False  # the store's reports were read by another parser version

    # -- lazily built ingest components -----------------------------------------------------------
    @property
    def parser(self) -> Any:
        if self._parser is None:
            from ingest.parser import ReportParser

            self._parser = ReportParser()
        return self._parser

    @property
    def facts(self) -> Any:
        if self._facts_extractor is None:
            from ingest.facts import FactExtractor

            self._facts_extractor = FactExtractor()
        return self._facts_extractor

    @property
    def chunker(self) -> Any:
        if self._chunker is None:
            from ingest.chunker import SectionChunker

            self._chunker = SectionChunker()
        return self._chunker

    # -- public API -------------------------------------------------------------------------------
    def ingest_paths(self, paths: Sequence[str | Path], progress: bool = False,
                     on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
        files, results = discover(paths)
        for r in results:
            if on_result:
                on_result(r)
        gen_before = self.store.generation()
        self._known_vectors = None
        self._start_embed_stats()
        # One listing instead of one Chroma round trip per unchanged file; a few files (adding one report
        # to a large store) are cheaper checked one by one than listing every vector id of the store.
        if self.vector is not None and len(files) >= LIST_VECTORS_MIN_FILES:
            try:
                self._known_vectors = self.vector.all_ids()
            except Exception as exc:
                log.warning("could not list Chroma vectors: %s", exc)
        if self.store.get_meta("analyzer_version") is None and self.store.count_chunks() == 0:
            self.store.set_meta("analyzer_version", self.analyzer.version)
        self.refresh_facts()
        stored = self.store.get_meta(PARSER_VERSION_META)
        # Reports read by another version of the parser are read again (their bytes did not change).
        self._reparse = stored != PARSER_VERSION and self.store.count_chunks() > 0
        if self.store.count_chunks() == 0:
            self.store.set_meta(PARSER_VERSION_META, PARSER_VERSION)
        bar = _progress(len(files)) if progress and len(files) >= 10 else None
        task = bar.add_task("Nạp báo cáo", total=len(files)) if bar else None
        try:
            if bar:
                bar.start()
            seen: dict[str, Path] = {}
            duplicates, keeper_notes = self._duplicates(files)
            for f in files:
                if f in duplicates:
                    res = self._skip_duplicate(f, *duplicates[f])
                elif f.stem in seen:  # doc_id = file stem: a second file with the same stem would replace it
                    res = IngestResult(f, f.stem, "failed", error=(
                        f"{f}: trùng mã báo cáo '{f.stem}' với tệp {seen[f.stem]} (mã báo cáo là tên tệp "
                        "không kèm phần mở rộng)"))
                else:
                    seen[f.stem] = f
                    res = self.ingest_file(f)
                    if res.summary is not None and keeper_notes.get(res.doc_id):
                        res.summary = {**res.summary, "warnings": [*res.summary["warnings"],
                                                                   *keeper_notes[res.doc_id]]}
                results.append(res)
                if on_result:
                    on_result(res)
                if bar:
                    bar.advance(task)
        finally:
            if bar:
                bar.stop()
        if self._reparse and set(self.store.manifest()) <= {r.doc_id for r in results if r.status != "failed"}:
            self.store.set_meta(PARSER_VERSION_META, PARSER_VERSION)  # every stored report is read again
        if self.store.generation() != gen_before or self.lexical.generation != self.store.generation():
            self.lexical.update(self.store)  # O(changed reports): a delta segment, merged when large
        self._finish_embed_stats()
        return results

    # -- the same content under another name ("bao cao (1).docx") -------------------------------
    def _duplicates(self, files: Sequence[Path]) -> tuple[dict[Path, tuple[str, str]], dict[str, list[str]]]:
        """Files whose bytes equal another report's: {file: (kept doc_id, message)}, and the notes for the kept
        reports' warnings. The kept one is the report already stored with that content (the earliest),
        else the file whose name is not a copy's ("bao cao.docx" before "bao cao (1).docx")."""
        size_limit = int(self.settings.max_file_mb * 1024 * 1024)
        self._digests = {}
        for f in files:
            try:
                if f.stat().st_size <= size_limit:
                    self._digests[f] = file_sha256(f)
            except OSError:
                continue  # ingest_file reports it
        batch_hash = {f.stem: h for f, h in self._digests.items()}
        stored: dict[str, tuple[float, str, str]] = {}  # content hash -> (ingested_at, doc_id, path)
        for doc_id, row in self.store.manifest().items():
            h, at = row["content_hash"], row["ingested_at"] or 0.0
            if h and batch_hash.get(doc_id, h) == h and (h not in stored or at < stored[h][0]):
                stored[h] = (at, doc_id, row["path"] or doc_id)
        groups: dict[str, list[Path]] = {}
        for f, h in self._digests.items():  # in batch order: the first of equal names is kept
            groups.setdefault(h, []).append(f)
        duplicates: dict[Path, tuple[str, str]] = {}
        notes: dict[str, list[str]] = {}
        for h, group in groups.items():
            if h in stored:
                _, keep_id, keep_path = stored[h]
                keep_name = Path(keep_path).name
                keeper = next((f for f in group if f.stem == keep_id), None)  # the stored report's own file
            else:
                keeper = min(group, key=lambda f: (bool(_COPY_NAME_RE.search(f.stem)), len(f.stem)))
                keep_id, keep_name = keeper.stem, keeper.name
            for f in group:
                if f == keeper:
                    continue
                duplicates[f] = (keep_id, f"{f}: trùng nội dung với báo cáo '{keep_id}' ({keep_name}); chỉ giữ "
                                          "một bản, không nạp tệp này")
                notes.setdefault(keep_id, []).append(f"tệp {f.name} trùng nội dung với báo cáo này; không nạp bản sao")
        return duplicates, notes

    def _skip_duplicate(self, path: Path, keep_id: str, message: str) -> IngestResult:
        """A duplicate is not stored; what was stored under its name before (an older version of this
        file) is removed: the file now says what the kept report says."""
        warnings = [message]
        if path.stem != keep_id and self.store.manifest_hash(path.stem) is not None:
            self.store.remove_report(path.stem)
            if self.vector is not None:
                try:
                    self.vector.delete_doc(path.stem)
                except Exception as exc:
                    log.warning("could not delete vectors of %s: %s", path.stem, exc)
            warnings.append(f"{path}: đã xoá bản sao '{path.stem}' nạp trước đây khỏi kho")
        return IngestResult(path, path.stem, "duplicate", warnings=warnings)

    def _start_embed_stats(self) -> None:
        self.embed_stats = EmbedStats()
        if self.embedder is None:
            return
        self.embed_stats.model = self.embedder.label
        previous = self.store.get_meta(EMBED_MODEL_META)
        if previous and previous != self.embedder.identity and self.store.count_chunks():
            self.embed_stats.switched_from = previous
            log.warning("Mô hình nhúng đã đổi từ %s sang %s: các khối chưa có vector của mô hình mới sẽ "
                        "được nhúng lại (vector của hai mô hình nằm ở hai bộ sưu tập riêng, không trộn lẫn)",
                        previous, self.embedder.identity)

    def _finish_embed_stats(self) -> None:
        if self.embedder is None:
            return
        st = self.embed_stats
        if st.chunks:
            log.info("embedded %d chunks with %s in %.1f s (%.1f chunks/s)", st.chunks, st.model, st.seconds,
                     st.chunks / st.seconds if st.seconds else 0.0)
        if self.store.get_meta(EMBED_MODEL_META) != self.embedder.identity:
            self.store.set_meta(EMBED_MODEL_META, self.embedder.identity)

    def ingest_file(self, path: Path) -> IngestResult:
        t0 = time.perf_counter()
        doc_id = path.stem
        try:
            size_limit = int(self.settings.max_file_mb * 1024 * 1024)
            digest = self._digests.pop(path, None) or (
                file_sha256(path) if path.stat().st_size <= size_limit else None)
            if digest is not None and self.store.manifest_hash(doc_id) == digest and not self._reparse:
                self._backfill_vectors(doc_id)
                return IngestResult(path, doc_id, "unchanged", self.store.report_summary(doc_id),
                                    seconds=time.perf_counter() - t0)
            report, chunks, indicators = self._build(path, doc_id, size_limit)
            self._write(report, chunks, indicators, self._facts(report))
        except Exception as exc:
            return IngestResult(path, doc_id, "failed", error=_error_line(path, exc),
                                seconds=time.perf_counter() - t0)
        summary = self.store.report_summary(doc_id)
        return IngestResult(path, doc_id, "ingested", summary, seconds=time.perf_counter() - t0,
                            warnings=list(report.warnings))

    def remove(self, doc_id: str) -> bool:
        """Remove a report from SQLite, Chroma and the lexical index. True when it existed."""
        existed = self.store.remove_report(doc_id)
        if self.vector is not None:
            try:
                self.vector.delete_doc(doc_id)
            except Exception as exc:
                log.warning("could not delete vectors of %s: %s", doc_id, exc)
        if existed or self.lexical.generation != self.store.generation():
            self.lexical.update(self.store)  # a tombstone, no rebuild
        return existed

    # -- internals --------------------------------------------------------------------------------
    def _build(self, path: Path, doc_id: str, size_limit: int) -> tuple[Report, list[Chunk], list[Indicator]]:
        from ingest.loaders import load_document

        doc = load_document(path, max_bytes=size_limit)
        report = self.parser.run(doc, doc_id)
        chunks = list(self.chunker.run(report))
        indicators: list[Indicator] = []
        if self.extractor is not None:
            try:
                indicators = list(self.extractor.run(report))
            except Exception as exc:  # indicator extraction must not lose the report
                log.warning("indicator extraction failed for %s: %s", path, exc)
                report.warnings.append(f"không trích xuất được chỉ tiêu: {exc}")
        return report, chunks, indicators

    def _facts(self, report: Report) -> list[Fact]:
        try:
            return self.facts.run(report)
        except Exception as exc:  # fact extraction must not lose the report
            log.warning("fact extraction failed for %s: %s", report.doc_id, exc)
            report.warnings.append(f"không trích xuất được dữ kiện: {exc}")
            return []

    def refresh_facts(self) -> int:
        """Re-extract the facts of every stored report when the fact extractor changed since they were
        written (FACTS_VERSION); returns how many reports were updated."""
        from ingest.facts import FACTS_VERSION

        if self.store.get_meta("facts_version") == FACTS_VERSION:
            return 0
        docs = [r["doc_id"] for r in self.store.list_reports()]
        if docs:
            log.info("re-extracting facts of %d reports (fact extractor changed)", len(docs))
        for doc_id in docs:
            report = self.store.get_report(doc_id)
            if report is not None:
                self.store.replace_facts(doc_id, self._facts(report))
        self.store.set_meta("facts_version", FACTS_VERSION)
        return len(docs)

    def _write(self, report: Report, chunks: list[Chunk], indicators: list[Indicator],
               facts: Sequence[Fact] = ()) -> None:
        tokens = [self.analyzer.passage_tokens(index_text(c)) for c in chunks]
        vids: list[str | None] | None = None
        if self.vector is not None and self.embedder is not None and chunks:
            wanted = [vector_id(c.id, report.content_hash) for c in chunks]
            try:
                self._add_vectors(report, chunks, wanted)
                vids = list(wanted)
            except Exception as exc:
                log.warning("vectors not written for %s (lexical still works): %s", report.doc_id, exc)
        self.store.replace_report(report, chunks, indicators, tokens=tokens, vector_ids=vids, facts=facts)
        if self.vector is not None:
            try:
                stale = self.vector.stale_ids(report.doc_id, keep=set(vids or []))
                if stale:
                    self.vector.delete_ids(stale)
            except Exception as exc:
                log.warning("stale vectors of %s not deleted (ignored by readers): %s", report.doc_id, exc)

    def _add_vectors(self, report: Report, chunks: Sequence[Chunk], vids: Sequence[str]) -> None:
        assert self.vector is not None and self.embedder is not None
        existing = self.vector.existing(vids)
        todo = [(c, v) for c, v in zip(chunks, vids, strict=True) if v not in existing]
        if not todo:
            return
        t0 = time.perf_counter()
        embs = self.embedder.embed_passages([c.text for c, _ in todo])
        self.embed_stats.chunks += len(todo)
        self.embed_stats.seconds += time.perf_counter() - t0
        metas = [{"doc_id": report.doc_id, "chunk_id": c.id, "unit": report.unit,
                  "unit_type": report.unit_type, "province": report.province, "period": report.period,
                  "section": " > ".join(c.section_path)} for c, _ in todo]
        self.vector.add([v for _, v in todo], [c.text for c, _ in todo], embs, metas)

    def _backfill_vectors(self, doc_id: str) -> None:
        """Unchanged file: add vectors only if they are missing (model switched or was unavailable)."""
        if self.vector is None or self.embedder is None:
            return
        meta = self.store.get_report_meta(doc_id)
        if meta is None:
            return
        chunks = self.store.get_doc_chunks(doc_id)
        wanted = [vector_id(c.id, meta["content_hash"]) for c in chunks]
        known = self._known_vectors if self._known_vectors is not None else self.vector.existing(wanted)
        if set(wanted) <= known and self.store.vector_ids(doc_id) == set(wanted):
            return
        report = Report(doc_id=doc_id, source_path=meta["source_path"], text="",
                        content_hash=meta["content_hash"], unit=meta["unit"], unit_type=meta["unit_type"],
                        province=meta["province"], period=meta["period"])
        try:
            self._add_vectors(report, chunks, wanted)
        except Exception as exc:
            log.warning("vectors not backfilled for %s: %s", doc_id, exc)
            return
        self.store.set_vector_ids(doc_id, dict(zip((c.id for c in chunks), wanted, strict=True)))


# "bao cao (1)", "bao cao - Copy", "bao cao - Bản sao (2)", "Copy of bao cao", "Bản sao của bao cao"
_COPY_NAME_RE = re.compile(r"\s*\(\d+\)$|\s+-\s+(?:copy|bản sao)(?:\s*\(\d+\))?$|^(?:copy of|bản sao của)\s",
                           re.IGNORECASE)


def _error_line(path: Path, exc: Exception) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        from ingest.loaders import LoadError
    except Exception:  # pragma: no cover
        LoadError = ()  # type: ignore[assignment]
    if isinstance(exc, LoadError) and str(path) in msg:
        return msg
    if isinstance(exc, LoadError) and path.name in msg:
        return msg
    return f"{path}: {msg}" if isinstance(exc, LoadError) else f"{path}: lỗi xử lý ({type(exc).__name__}: {msg})"


def _progress(total: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)
