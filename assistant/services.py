"""Wiring: one place that builds the store, indexes, retriever and ingestor (heavy things once).

`build_services(settings)` is used by `python -m ingest`, `python -m assistant`, the app and eval.
The embedding model is loaded once here; when it cannot be loaded, ONE warning is logged and
retrieval runs lexical-only (`services.retrieval_mode == "lexical"`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from index.analyzer import VietnameseAnalyzer
from index.embeddings import Embedder, load_embedder
from index.lexical import LexicalIndex
from index.pipeline import Ingestor
from index.query import QueryAnalyzer
from index.retriever import HybridRetriever
from index.settings import Settings
from index.store import ReportStore
from index.vector import VectorIndex

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: ReportStore
    analyzer: VietnameseAnalyzer
    lexical: LexicalIndex
    query_analyzer: QueryAnalyzer
    retriever: HybridRetriever
    ingestor: Ingestor
    embedder: Embedder | None = None
    vector: VectorIndex | None = None
    dense_reason: str | None = None  # why dense retrieval is off (Vietnamese), None when on
    extractor: Any = None  # ingest.indicators.IndicatorExtractor
    extras: dict[str, Any] = field(default_factory=dict)  # room for the lead (answerer, ...)

    @property
    def answerer(self) -> Any:
        """The question answerer (assistant.answerer.Answerer), built on first use."""
        if "answerer" not in self.extras:
            from assistant.answerer import Answerer

            self.extras["answerer"] = Answerer.from_services(self)
        return self.extras["answerer"]

    @property
    def retrieval_mode(self) -> str:
        return self.retriever.mode

    def close(self) -> None:
        self.store.close()


def _load_extractor() -> Any:
    try:
        from ingest.indicators import IndicatorExtractor

        return IndicatorExtractor()
    except Exception as exc:  # indicators are optional for retrieval
        log.warning("indicator extractor unavailable, indicators skipped: %s", exc)
        return None


def _log_dense(store: ReportStore, embedder: Embedder, vector: VectorIndex, ingesting: bool) -> None:
    """Say which model runs, and when its collection lacks vectors for stored chunks (a model switch
    before `python -m ingest` re-embedded them)."""
    log.info("Truy hồi ngữ nghĩa: mô hình %s, bộ sưu tập Chroma %s", embedder.label, vector.name)
    try:
        have, chunks = vector.count(), store.count_chunks()
    except Exception as exc:  # a count failure is not worth failing the start
        log.debug("vector count unavailable: %s", exc)
        return
    if have < chunks and not ingesting:  # an ingest run says itself what it (re-)embeds
        log.warning("Bộ sưu tập %s của mô hình %s mới có %d/%d vector khối; chạy `python -m ingest` để "
                    "nhúng phần còn lại (truy hồi ngữ nghĩa chỉ thấy các khối đã nhúng)",
                    vector.name, embedder.label, have, chunks)


def build_services(settings: Settings | None = None, *, load_dense: bool = True,
                   ingesting: bool = False) -> Services:
    settings = settings or Settings()
    settings.store.mkdir(parents=True, exist_ok=True)
    store = ReportStore(settings.store)
    analyzer = VietnameseAnalyzer()
    lexical = LexicalIndex(settings.store / "lexical", analyzer)
    lexical.load()
    embedder: Embedder | None = None
    vector: VectorIndex | None = None
    reason: str | None = None
    if settings.retrieval.mode == "lexical":
        reason = "RETRIEVAL_MODE=lexical"
    elif not load_dense:
        reason = "không nạp mô hình nhúng"
    else:
        embedder, reason = load_embedder(settings.embed)
        if embedder is not None:
            try:
                vector = VectorIndex(settings, embedder.identity, embedder.dim)
            except Exception as exc:
                where = (f"{settings.chroma.host}:{settings.chroma.port}" if settings.chroma.host
                         else str(settings.store / "chroma"))
                reason = f"không kết nối được Chroma ({where}): {type(exc).__name__}: {exc}"
                embedder = None
            else:
                _log_dense(store, embedder, vector, ingesting)
        if embedder is None and settings.embed.model.lower() != "none":
            log.warning("Truy hồi ngữ nghĩa tắt, chỉ dùng truy hồi từ khoá (lexical): %s", reason)
    query_analyzer = QueryAnalyzer(store)
    retriever = HybridRetriever(store, lexical, query_analyzer, settings, embedder=embedder, vector=vector,
                                dense_reason=reason)
    extractor = _load_extractor()
    ingestor = Ingestor(settings, store, lexical, vector=vector, embedder=embedder, extractor=extractor,
                        analyzer=analyzer)
    ingestor.refresh_facts()  # a store written by an older fact extractor is brought up to date
    return Services(settings=settings, store=store, analyzer=analyzer, lexical=lexical,
                    query_analyzer=query_analyzer, retriever=retriever, ingestor=ingestor, embedder=embedder,
                    vector=vector, dense_reason=reason, extractor=extractor)


def build_ingest_services(settings: Settings | None = None) -> Services:
    """Services for `python -m ingest` (same wiring: vectors are written when the model loads)."""
    return build_services(settings, ingesting=True)
