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
from collections.abc import Collection
from pathlib import Path

import bm25s
import numpy as np

from index.analyzer import LINE_BREAK, VietnameseAnalyzer
from index.store import ReportStore

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s logs every index build at DEBUG


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
            vocab: dict[str, int] = {"": 0}
            corpus_ids: list[list[int]] = []
            line_ids: list[list[int]] = []
            line_owner: list[int] = []
            for cid, did, toks in store.iter_chunk_tokens():
                if toks is None:  # not cached (should not happen): analyse now
                    from index.retriever import index_text  # noqa: PLC0415

                    toks = self.analyzer.passage_tokens(index_text(store.get_chunks([cid])[0]))
                ci = len(chunk_ids)
                chunk_ids.append(cid)
                doc_ids.append(did)
                ids = [vocab.setdefault(t, len(vocab)) for t in toks]
                brk = vocab.setdefault(LINE_BREAK, len(vocab))
                cur: list[int] = []
                for i in ids:
                    if i == brk:
                        if cur:
                            line_ids.append(cur)
                            line_owner.append(ci)
                        cur = []
                    else:
                        cur.append(i)
                if cur:
                    line_ids.append(cur)
                    line_owner.append(ci)
                corpus_ids.append([i for i in ids if i != brk] or [0])
            bm25: bm25s.BM25 | None = None
            lines: bm25s.BM25 | None = None
            if chunk_ids:
                bm25 = bm25s.BM25(k1=self.k1, b=self.b)
                bm25.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocab),
                           create_empty_token=False, show_progress=False)
                lines = bm25s.BM25(k1=self.k1, b=self.b)
                lines.index(bm25s.tokenization.Tokenized(ids=line_ids or [[0]], vocab=vocab),
                            create_empty_token=False, show_progress=False)
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
        from index.retriever import index_text  # noqa: PLC0415

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
