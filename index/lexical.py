"""BM25 lexical index (bm25s) over chunk terms cached in the SQLite store.

Layout under `<store>/lexical/`:
    CURRENT          name of the active version directory (replaced atomically with os.replace)
    v<gen>-<rand>/   bm25s files + `ids.json` (chunk ids and doc ids, in index order) + `meta.json`
A rebuild writes a new version directory, then swaps CURRENT; readers never see a half-written index.
Terms are NOT recomputed on rebuild: they come from `chunks.tokens` (computed once at ingest).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import uuid
from array import array
from collections.abc import Collection
from pathlib import Path

import bm25s
import numpy as np

from index.analyzer import LINE_BREAK, VietnameseAnalyzer
from index.store import ReportStore

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s logs every index build at DEBUG


_BATCH_TERMS = 4_000_000


def build_bm25(term_ids: np.ndarray, doc_lengths: np.ndarray, vocab: dict[str, int], k1: float,
               b: float) -> bm25s.BM25:
    """A bm25s index (Lucene BM25, bm25s' default method) built with vectorised numpy from a flat array
    of term ids and the number of terms of each document (documents are consecutive in `term_ids`).
    Same scores as `BM25.index`, without its per-document Python loops (10,000 reports = ~80M terms)."""
    n_docs, n_vocab = len(doc_lengths), len(vocab)
    ends = np.cumsum(doc_lengths, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lo = 0  # first document of the current batch (batches of ~4M terms bound the memory)
    while lo < n_docs:
        hi = min(n_docs, max(lo + 1, int(np.searchsorted(ends, ends[lo] + _BATCH_TERMS))))
        start = int(ends[lo - 1]) if lo else 0
        doc_of = np.repeat(np.arange(lo, hi, dtype=np.int64), doc_lengths[lo:hi])
        keys, counts = np.unique(doc_of * n_vocab + term_ids[start : int(ends[hi - 1])], return_counts=True)
        parts.append(((keys // n_vocab).astype(np.int32), (keys % n_vocab).astype(np.int32),
                      counts.astype(np.int32)))
        del doc_of, keys, counts
        lo = hi
    docs = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    terms = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    tf = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    del parts
    df = np.bincount(terms, minlength=n_vocab)
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    avg_len = float(doc_lengths.mean()) if n_docs else 1.0
    norm = (k1 * ((1 - b) + b * doc_lengths / max(avg_len, 1e-9))).astype(np.float32)  # per document
    tf32 = tf.astype(np.float32)
    del tf
    data = tf32 / (norm[docs] + tf32)
    del tf32
    data *= idf[terms]
    order = np.argsort(terms, kind="stable")  # CSC: postings grouped by term, docs ascending
    del terms
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    bm = bm25s.BM25(k1=k1, b=b)
    bm.scores = {"data": data[order], "indices": docs[order],
                 "indptr": indptr, "num_docs": n_docs}
    bm.vocab_dict = vocab
    bm.unique_token_ids_set = set(vocab.values())
    bm.nonoccurrence_array = None
    return bm


class LexicalIndex:
    def __init__(self, directory: str | Path, analyzer: VietnameseAnalyzer | None = None,
                 k1: float = 1.2, b: float = 0.75, line_weight: float = 0.2) -> None:
        self.dir = Path(directory)
        self.analyzer = analyzer or VietnameseAnalyzer()
        self.k1, self.b = k1, b
        self.line_weight = line_weight  # share of the best line's score in a chunk's score
        self._lock = threading.RLock()
        self._bm25: bm25s.BM25 | None = None
        self._lines: bm25s.BM25 | None = None
        self._line_owner: np.ndarray = np.zeros(0, dtype=np.int64)
        self._line_starts: np.ndarray | None = None
        self._vocab: dict[str, int] = {}
        self.chunk_ids: list[str] = []
        self._doc_of: np.ndarray = np.zeros(0, dtype=np.int32)
        self._doc_index: dict[str, int] = {}
        self.generation: int = -1
        self._loaded_version: str | None = None

    # -- persistence ------------------------------------------------------------------------------
    def _current_version(self) -> str | None:
        try:
            name = (self.dir / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def load(self) -> bool:
        """Load the active version from disk (no-op when already loaded). False if none exists."""
        with self._lock:
            version = self._current_version()
            if version is None:
                return False
            if version == self._loaded_version:
                return True
            vdir = self.dir / version
            try:
                meta = json.loads((vdir / "meta.json").read_text(encoding="utf-8"))
                ids = json.loads((vdir / "ids.json").read_text(encoding="utf-8"))
                bm25 = lines = None
                if meta["n_chunks"]:
                    bm25 = bm25s.BM25.load(str(vdir / "chunks"), load_vocab=True, show_progress=False)
                    lines = bm25s.BM25.load(str(vdir / "lines"), load_vocab=False, show_progress=False)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("lexical index %s unreadable (%s); it will be rebuilt", vdir, exc)
                return False
            self._set(bm25, lines, ids["chunk_ids"], ids["doc_ids"], ids.get("line_owner", []),
                      int(meta["generation"]))
            self._loaded_version = version
            return True

    def _set(self, bm25: bm25s.BM25 | None, lines: bm25s.BM25 | None, chunk_ids: list[str],
             doc_ids: list[str], line_owner: list[int], generation: int) -> None:
        self._bm25 = bm25
        self._lines = lines
        self._line_owner = np.asarray(line_owner, dtype=np.int64)
        # lines are stored chunk by chunk: the first line of each chunk, for np.maximum.reduceat
        starts = np.searchsorted(self._line_owner, np.arange(len(chunk_ids)))
        self._line_starts = starts if len(set(line_owner)) == len(chunk_ids) else None
        self._vocab = dict(bm25.vocab_dict) if bm25 is not None else {}
        self.chunk_ids = chunk_ids
        self._doc_index = {}
        doc_of = np.empty(len(doc_ids), dtype=np.int32)
        for i, d in enumerate(doc_ids):
            doc_of[i] = self._doc_index.setdefault(d, len(self._doc_index))
        self._doc_of = doc_of
        self.generation = generation

    def rebuild(self, store: ReportStore) -> None:
        """Rebuild from the store's cached chunk terms and swap it in atomically."""
        with self._lock:
            if store.get_meta("analyzer_version") != self.analyzer.version:
                self._retokenize(store)
            generation = store.generation()
            chunk_ids: list[str] = []
            doc_ids: list[str] = []
            vocab: dict[str, int] = {"": 0, LINE_BREAK: 1}
            flat = array("i")
            lengths = array("i")
            for cid, did, toks in store.iter_chunk_tokens():
                if toks is None:  # not cached (should not happen): analyse now
                    from index.retriever import index_text

                    toks = self.analyzer.passage_tokens(index_text(store.get_chunks([cid])[0]))
                chunk_ids.append(cid)
                doc_ids.append(did)
                get = vocab.setdefault
                flat.extend([get(t, len(vocab)) for t in toks])
                lengths.append(len(toks))
            bm25: bm25s.BM25 | None = None
            lines: bm25s.BM25 | None = None
            line_owner: list[int] = []
            if chunk_ids:
                tok = np.frombuffer(flat, dtype=np.int32)
                lens = np.frombuffer(lengths, dtype=np.int32).astype(np.int64)
                ends = np.cumsum(lens)
                starts = ends - lens
                brk = np.flatnonzero(tok == 1)  # line breaks (positions in the full stream)
                terms = tok[tok != 1]  # the stream without breaks: chunks, and lines, are consecutive runs
                del tok, flat
                # chunk lengths without their breaks
                n_brk = np.searchsorted(brk, ends) - np.searchsorted(brk, starts)
                bm25 = build_bm25(terms, lens - n_brk, vocab, self.k1, self.b)
                # lines: [chunk start | break + 1] .. [break | chunk end), empty ones dropped
                l_start = np.sort(np.concatenate((starts, brk + 1)))
                l_end = np.sort(np.concatenate((brk, ends)))
                l_len = l_end - l_start
                nonempty = l_len > 0
                l_start, l_len = l_start[nonempty], l_len[nonempty]
                line_owner = (np.searchsorted(starts, l_start, side="right") - 1).tolist()
                lines = build_bm25(terms, l_len, vocab, self.k1, self.b)
            self.dir.mkdir(parents=True, exist_ok=True)
            version = f"v{generation}-{uuid.uuid4().hex[:8]}"
            tmp = self.dir / f".tmp-{version}"
            tmp.mkdir()
            if bm25 is not None and lines is not None:
                bm25.save(str(tmp / "chunks"), show_progress=False)
                lines.save(str(tmp / "lines"), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps({"chunk_ids": chunk_ids, "doc_ids": doc_ids,
                                                      "line_owner": line_owner}), encoding="utf-8")
            (tmp / "meta.json").write_text(json.dumps({"generation": generation, "n_chunks": len(chunk_ids),
                                                       "n_terms": len(vocab)}), encoding="utf-8")
            os.replace(tmp, self.dir / version)
            pointer = self.dir / f".CURRENT-{version}"
            pointer.write_text(version, encoding="utf-8")
            os.replace(pointer, self.dir / "CURRENT")
            self._set(bm25, lines, chunk_ids, doc_ids, line_owner, generation)
            self._loaded_version = version
            self._cleanup(keep=version)
            log.info("lexical index rebuilt: %d chunks, %d terms (generation %d)", len(chunk_ids),
                     len(vocab), generation)

    def _retokenize(self, store: ReportStore) -> None:
        """Recompute every chunk's cached terms (the analyzer changed since they were stored)."""
        from index.retriever import index_text

        tokens = {c.id: self.analyzer.passage_tokens(index_text(c)) for c in store.iter_chunks()}
        store.update_tokens(tokens, meta={"analyzer_version": self.analyzer.version})
        log.info("re-analysed %d chunks for analyzer %s", len(tokens), self.analyzer.version)

    def _cleanup(self, keep: str) -> None:
        for p in self.dir.iterdir():
            if p.is_dir() and p.name != keep:
                shutil.rmtree(p, ignore_errors=True)

    def ensure_fresh(self, store: ReportStore) -> None:
        """Make the in-memory index match the store generation (load from disk or rebuild)."""
        gen = store.generation()
        same_analyzer = store.get_meta("analyzer_version") == self.analyzer.version
        if self.generation == gen and self._loaded_version is not None and same_analyzer:
            return
        with self._lock:
            if same_analyzer and self.load() and self.generation == gen:
                return
            self.rebuild(store)

    # -- search -----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int = 10, doc_ids: Collection[str] | None = None,
               tokens: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk_id, bm25 score) for `query`, optionally restricted to `doc_ids`."""
        with self._lock:
            bm25 = self._bm25
            if bm25 is None or not self.chunk_ids:
                return []
            terms = tokens if tokens is not None else self.analyzer.query_tokens(query)
            terms = [t for t in terms if t in self._vocab]
            if not terms:
                return []
            scores = bm25.get_scores(terms)
            if self._lines is not None and self.line_weight > 0 and len(self._line_owner):
                # Chunk score blended with its best line's score (rewards query terms close together).
                line_scores = self._lines.get_scores(terms)
                if self._line_starts is not None:
                    best = np.maximum.reduceat(line_scores, self._line_starts).astype(np.float64)
                else:
                    best = np.zeros(len(scores), dtype=np.float64)
                    np.maximum.at(best, self._line_owner, line_scores)
                top_c, top_l = float(scores.max()), float(best.max())
                if top_c > 0 and top_l > 0:
                    scores = (1 - self.line_weight) * scores / top_c + self.line_weight * best / top_l
            if doc_ids is not None:
                allowed = [self._doc_index[d] for d in doc_ids if d in self._doc_index]
                if not allowed:
                    return []
                scores = np.where(np.isin(self._doc_of, allowed), scores, 0.0)
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]
