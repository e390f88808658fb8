"""Hybrid retrieval: BM25 (Vietnamese analyzer) + dense (Chroma), reciprocal rank fusion, filters.

Named units restrict the search to their reports (else named provinces do); periods and asked-for unit
types boost; questions that ask for a set of units ("những phường nào ...") get one passage per report
first, so the top-k covers several reports. `Passage.text` is the chunk's verbatim report text (the
section header line used for indexing is dropped), so quotes from the report match it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from assistant.models import Passage, RetrievalMode
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.query import QueryAnalyzer, QueryFilters
from index.settings import Settings
from index.store import ReportStore
from index.vector import VectorIndex
from ingest.models import Chunk

try:
    from ingest.parser import period_overlaps
except Exception:  # pragma: no cover - parser missing: exact/prefix match only
    def period_overlaps(a: str | None, b: str | None) -> bool:
        return bool(a and b and (a == b or a.startswith(b) or b.startswith(a)))

log = logging.getLogger(__name__)

PERIOD_BOOST = 0.5  # in units of one first-rank RRF vote share (see _boost)
TYPE_BOOST = 0.5


def chunk_body(chunk: Chunk) -> str:
    """The chunk's report text without its section header line."""
    text = chunk.text
    if not chunk.section_path:
        return text
    first, sep, rest = text.partition("\n")
    if sep and _is_header_line(first, chunk.section_path):
        return rest
    return text


def _is_header_line(line: str, path: Sequence[str]) -> bool:
    s = line.strip().strip("[]#*").strip()
    if not s:
        return True
    last = path[-1].strip()
    return (last and last in s and (" > " in s or s.endswith(last) or s.startswith(path[0].strip())))


class HybridRetriever:
    def __init__(self, store: ReportStore, lexical: LexicalIndex, query_analyzer: QueryAnalyzer,
                 settings: Settings, embedder: Embedder | None = None, vector: VectorIndex | None = None,
                 dense_reason: str | None = None) -> None:
        self.store = store
        self.lexical = lexical
        self.query_analyzer = query_analyzer
        self.settings = settings
        self.embedder = embedder
        self.vector = vector
        self.dense_reason = dense_reason
        self._lock = threading.Lock()

    @property
    def mode(self) -> RetrievalMode:
        wanted = self.settings.retrieval.mode
        dense_ok = self.embedder is not None and self.vector is not None
        if wanted == "lexical" or not dense_ok:
            return "lexical"
        if wanted == "dense":
            return "dense"
        return "hybrid"

    def retrieve(self, query: str, k: int | None = None, filters: QueryFilters | None = None) -> list[Passage]:
        k = k or self.settings.retrieval.top_k
        if filters is None:
            filters = self.query_analyzer.parse(query)
        docs = self.query_analyzer.docs_for(filters)
        n_cand = max(self.settings.retrieval.candidates, k)
        mode = self.mode
        ranked: list[list[str]] = []
        if mode in ("hybrid", "lexical"):
            with self._lock:
                self.lexical.ensure_fresh(self.store)
            ranked.append([cid for cid, _ in self.lexical.search(query, n_cand, docs)])
        if mode in ("hybrid", "dense"):
            ranked.append(self._dense(query, n_cand, docs))
        rrf_k = self.settings.retrieval.rrf_k
        scores: dict[str, float] = {}
        for lst in ranked:
            for rank, cid in enumerate(lst):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank + 1)
        if not scores:
            return []
        chunks = {c.id: c for c in self.store.get_chunks(list(scores))}
        metas: dict[str, dict[str, Any]] = {}
        for c in chunks.values():
            if c.doc_id not in metas:
                metas[c.doc_id] = self.query_analyzer.report_meta(c.doc_id) or {}
        unit_vote = 1.0 / (rrf_k + 1)
        for cid in list(scores):
            c = chunks.get(cid)
            if c is None:
                del scores[cid]
                continue
            scores[cid] += self._boost(filters, metas[c.doc_id]) * unit_vote
        order = sorted(scores, key=lambda c: (-scores[c], c))
        if filters.aggregate:
            order = _diversify(order, chunks)
        out = []
        for cid in order[:k]:
            c = chunks[cid]
            m = metas[c.doc_id]
            out.append(Passage(chunk_id=cid, doc_id=c.doc_id, text=chunk_body(c), score=scores[cid],
                               paragraph_ids=list(c.paragraph_ids), section_path=tuple(c.section_path),
                               unit=m.get("unit"), unit_type=m.get("unit_type"), province=m.get("province"),
                               period=m.get("period")))
        return out

    @staticmethod
    def _boost(f: QueryFilters, meta: dict[str, Any]) -> float:
        b = 0.0
        period = meta.get("period") or ""
        if f.periods and any(period_overlaps(period, p) for p in f.periods):
            b += PERIOD_BOOST
        if f.unit_types and meta.get("unit_type") in f.unit_types:
            b += TYPE_BOOST
        return b

    def _dense(self, query: str, n: int, docs: list[str] | None) -> list[str]:
        assert self.embedder is not None and self.vector is not None
        try:
            vec = self.embedder.embed_queries([query])[0]
            hits = self.vector.query(vec, n, docs)
        except Exception as exc:  # a down Chroma server must not kill the answer
            log.warning("dense retrieval failed, lexical only for this query: %s", exc)
            return []
        mapping = self.store.chunk_ids_for_vectors([vid for vid, _ in hits])
        return [mapping[vid] for vid, _ in hits if vid in mapping]


def _diversify(order: list[str], chunks: dict[str, Chunk]) -> list[str]:
    """Best chunk of each report first (in fused order), then the rest in fused order."""
    seen: set[str] = set()
    first, rest = [], []
    for cid in order:
        d = chunks[cid].doc_id
        (rest if d in seen else first).append(cid)
        seen.add(d)
    return first + rest
