"""BM25 lexical index over chunk terms cached in the SQLite store, in segments: adds cost O(new).

Scoring is Lucene BM25 (bm25s' default method) at two levels, chunks and their lines (a chunk's score
is blended with its best line's score, which rewards query terms close together). Postings keep raw
term frequencies and lengths, and the statistics (number of documents, document frequencies, average
length) are computed at query time over the LIVE documents of every segment, so a store indexed in
segments scores exactly as the same store indexed in one piece.

Segments:
    base    the bulk of the store, immutable, rebuilt only by a merge (`rebuild`);
    delta   the reports added or changed since the base (rebuilt from their cached terms on every
            update: O(delta)); merged into a new base once it grows past `merge_fraction` of the base
            (and at least `merge_min_chunks`);
    tombstones  doc ids whose base chunks are dead (removed reports, and reports whose new version
            lives in the delta).

Layout under `<store>/lexical/` (crash-consistent: readers never see a half-written index):
    CURRENT          JSON manifest {generation, base, delta, tombstones, docs} replaced atomically
                     (write a temporary file, os.replace); `docs` maps every indexed doc id to the
                     version signature it was indexed at (content hash + ingest time)
    base-<gen>-<rand>/, delta-<gen>-<rand>/   postings.npz + ids.json + vocab.json
A new segment directory is written completely (temporary name, then renamed) before the manifest
names it; directories the manifest no longer names are deleted afterwards.
Terms are NOT recomputed: they come from `chunks.tokens` (computed once at ingest).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.analyzer import LINE_BREAK, VietnameseAnalyzer
from index.store import ReportStore
from ingest.chunker import index_text

log = logging.getLogger(__name__)

_BATCH_TERMS = 4_000_000  # terms per np.unique batch when building postings (bounds the memory)
MERGE_MIN_CHUNKS = 2_000  # below this many base chunks a full rebuild is cheap: no delta segment
MERGE_FRACTION = 0.1  # delta larger than this share of the base -> merge into a new base
TOMBSTONE_FRACTION = 0.25  # dead base chunks above this share -> merge
_TF_MAX = np.iinfo(np.uint16).max
# Share of a chunk's best line in its score. Off: until this version the line level only worked in the
# process that had just rebuilt the index (bm25s loaded the line matrix without its vocabulary, so every
# reader -- the app, the CLI, eval -- scored chunks alone); 0 keeps what was measured, and on the fixed
# and held-out sets it loses nothing (gold-quote recall@5 equal, 10,000-report lookups equal) while a
# query costs ~3x less CPU. The line postings are still built, so it can be turned on per index.
LINE_WEIGHT = 0.0


@dataclass
class Postings:
    """Term -> (document, term frequency) lists of one level (chunks or lines) of one segment, CSC-like:
    the postings of term t are `docs[indptr[t]:indptr[t+1]]` (ascending) and `tf[...]`."""

    indptr: np.ndarray  # int64, n_vocab + 1
    docs: np.ndarray  # int32
    tf: np.ndarray  # uint16
    lengths: np.ndarray  # int32, terms per document

    @property
    def n_docs(self) -> int:
        return len(self.lengths)


def build_postings(term_ids: np.ndarray, doc_lengths: np.ndarray, n_vocab: int) -> Postings:
    """Postings from a flat array of term ids and the number of terms of each document (documents are
    consecutive in `term_ids`), with vectorised numpy (10,000 reports = ~80M terms)."""
    n_docs = len(doc_lengths)
    doc_lengths = np.asarray(doc_lengths, dtype=np.int64)
    ends = np.cumsum(doc_lengths, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lo = 0
    while lo < n_docs:
        hi = min(n_docs, max(lo + 1, int(np.searchsorted(ends, ends[lo] + _BATCH_TERMS))))
        start = int(ends[lo - 1]) if lo else 0
        doc_of = np.repeat(np.arange(lo, hi, dtype=np.int64), doc_lengths[lo:hi])
        keys, counts = np.unique(doc_of * n_vocab + term_ids[start : int(ends[hi - 1])], return_counts=True)
        parts.append(((keys // n_vocab).astype(np.int32), (keys % n_vocab).astype(np.int32),
                      np.minimum(counts, _TF_MAX).astype(np.uint16)))
        del doc_of, keys, counts
        lo = hi
    docs = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    terms = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    tf = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.uint16)
    del parts
    order = np.argsort(terms, kind="stable")  # grouped by term, documents ascending within a term
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=n_vocab), out=indptr[1:])
    return Postings(indptr=indptr, docs=docs[order], tf=tf[order], lengths=doc_lengths.astype(np.int32))


@dataclass
class Segment:
    """An immutable set of chunks: chunk-level and line-level postings over one vocabulary."""

    name: str | None  # directory name on disk (None until saved)
    chunk_ids: list[str]
    doc_ids: list[str]  # per chunk
    vocab: dict[str, int]
    chunks: Postings
    lines: Postings
    line_owner: np.ndarray  # int32 per line: index of its chunk in this segment
    line_starts: np.ndarray | None = None  # first line of every chunk (None when a chunk has no line)
    # query-time state, refreshed when the set of live documents changes
    chunk_dead: np.ndarray | None = None
    line_dead: np.ndarray | None = None
    # per posting tf / (tf + k1 * (1 - b + b * len / avgdl)): recomputed when avgdl moves (every
    # update; O(postings) of vectorised numpy), so a query only gathers and adds, like bm25s
    chunk_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    line_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def __post_init__(self) -> None:
        n = len(self.chunk_ids)
        starts = np.searchsorted(self.line_owner, np.arange(n)) if n else np.zeros(0, dtype=np.int64)
        has_line = np.zeros(n, dtype=bool)
        has_line[self.line_owner] = True
        self.line_starts = starts if bool(has_line.all()) else None

    @property
    def docs(self) -> set[str]:
        return set(self.doc_ids)

    # -- building ---------------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, list[str]]]) -> Segment:
        """From (chunk id, doc id, cached terms with LINE_BREAK between lines)."""
        chunk_ids: list[str] = []
        doc_ids: list[str] = []
        vocab: dict[str, int] = {"": 0, LINE_BREAK: 1}
        flat = array("i")
        lengths = array("i")
        get = vocab.setdefault
        for cid, did, toks in rows:
            chunk_ids.append(cid)
            doc_ids.append(did)
            flat.extend([get(t, len(vocab)) for t in toks])
            lengths.append(len(toks))
        tok = np.frombuffer(flat, dtype=np.int32) if len(flat) else np.zeros(0, dtype=np.int32)
        lens = np.frombuffer(lengths, dtype=np.int32).astype(np.int64) if len(lengths) else \
            np.zeros(0, dtype=np.int64)
        ends = np.cumsum(lens)
        starts = ends - lens
        brk = np.flatnonzero(tok == 1)  # line breaks (positions in the full stream)
        terms = tok[tok != 1]  # the stream without breaks: chunks, and lines, are consecutive runs
        n_brk = np.searchsorted(brk, ends) - np.searchsorted(brk, starts)
        chunk_post = build_postings(terms, lens - n_brk, len(vocab))
        # lines: [chunk start | break + 1] .. [break | chunk end), empty ones dropped
        l_start = np.sort(np.concatenate((starts, brk + 1)))
        l_end = np.sort(np.concatenate((brk, ends)))
        l_len = l_end - l_start
        nonempty = l_len > 0
        l_start, l_len = l_start[nonempty], l_len[nonempty]
        line_owner = (np.searchsorted(starts, l_start, side="right") - 1).astype(np.int32)
        line_post = build_postings(terms, l_len, len(vocab))
        return cls(None, chunk_ids, doc_ids, vocab, chunk_post, line_post, line_owner)

    # -- persistence ------------------------------------------------------------------------------
    def save(self, parent: Path, prefix: str, generation: int) -> str:
        name = f"{prefix}-{generation}-{uuid.uuid4().hex[:8]}"
        tmp = parent / f".tmp-{name}"
        tmp.mkdir(parents=True)
        np.savez(tmp / "postings.npz", c_indptr=self.chunks.indptr, c_docs=self.chunks.docs, c_tf=self.chunks.tf,
                 c_len=self.chunks.lengths, l_indptr=self.lines.indptr, l_docs=self.lines.docs,
                 l_tf=self.lines.tf, l_len=self.lines.lengths, l_owner=self.line_owner)
        (tmp / "ids.json").write_text(json.dumps({"chunk_ids": self.chunk_ids, "doc_ids": self.doc_ids}),
                                      encoding="utf-8")
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (tmp / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, parent / name)
        self.name = name
        return name

    @classmethod
    def load(cls, directory: Path) -> Segment:
        with np.load(directory / "postings.npz") as z:
            a = {k: z[k] for k in z.files}
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        terms = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        return cls(directory.name, ids["chunk_ids"], ids["doc_ids"], {t: i for i, t in enumerate(terms)},
                   Postings(a["c_indptr"], a["c_docs"], a["c_tf"], a["c_len"]),
                   Postings(a["l_indptr"], a["l_docs"], a["l_tf"], a["l_len"]), a["l_owner"])


def tf_weights(p: Postings, k1: float, b: float, avgdl: float) -> np.ndarray:
    """Per posting: tf / (tf + k1 * (1 - b + b * len / avgdl)) (Lucene BM25 without the idf)."""
    norm = (k1 * ((1 - b) + b * p.lengths / max(avgdl, 1e-9))).astype(np.float32)
    tf = p.tf.astype(np.float32)
    out = norm[p.docs]
    out += tf
    np.divide(tf, out, out=out)
    return out


def _level_scores(levels: Sequence[tuple[Postings, np.ndarray | None, np.ndarray]],
                  term_ids: Sequence[Sequence[int | None]]) -> list[np.ndarray]:
    """BM25 scores of one level across segments, statistics over the live documents only.

    `levels[s]` = (postings, dead mask or None, per-posting `tf_weights` at the live average length);
    `term_ids[q][s]` = id of the q-th query term in segment s's vocabulary (None: absent); a term
    given n times counts n times (one pass over its postings)."""
    n_live = sum(p.n_docs - (int(dead.sum()) if dead is not None else 0) for p, dead, _ in levels)
    scores = [np.zeros(p.n_docs, dtype=np.float32) for p, _, _ in levels]
    counts = Counter(tuple(per_seg) for per_seg in term_ids)
    for per_seg, count in counts.items():
        slices = []
        df = 0
        for (p, dead, _), tid in zip(levels, per_seg, strict=True):
            if tid is None:
                slices.append(None)
                continue
            lo, hi = int(p.indptr[tid]), int(p.indptr[tid + 1])
            slices.append((lo, hi))
            if dead is None:
                df += hi - lo
            else:
                df += int(np.count_nonzero(~dead[p.docs[lo:hi]]))
        if df == 0:
            continue
        idf = np.float32(math.log(1.0 + (n_live - df + 0.5) / (df + 0.5)))
        count = np.float32(count)
        for (p, _, weights), sl, out in zip(levels, slices, scores, strict=True):
            if sl is None or sl[0] == sl[1]:
                continue
            # np.add.at: ~2x faster than `out[docs] += ...` here (measured on 10,000 reports)
            np.add.at(out, p.docs[sl[0] : sl[1]], (idf * count) * weights[sl[0] : sl[1]])
    return scores


class LexicalIndex:
    def __init__(self, directory: str | Path, analyzer: VietnameseAnalyzer | None = None,
                 k1: float = 1.2, b: float = 0.75, line_weight: float = LINE_WEIGHT,
                 merge_min_chunks: int = MERGE_MIN_CHUNKS, merge_fraction: float = MERGE_FRACTION,
                 tombstone_fraction: float = TOMBSTONE_FRACTION) -> None:
        self.dir = Path(directory)
        self.analyzer = analyzer or VietnameseAnalyzer()
        self.k1, self.b = k1, b
        self.line_weight = line_weight  # share of the best line's score in a chunk's score
        self.merge_min_chunks = merge_min_chunks
        self.merge_fraction = merge_fraction
        self.tombstone_fraction = tombstone_fraction
        self._lock = threading.RLock()
        self.base: Segment | None = None
        self.delta: Segment | None = None
        self.tombstones: set[str] = set()  # doc ids whose BASE chunks are dead
        self.docs: dict[str, str] = {}  # indexed doc id -> version signature
        self.chunk_ids: list[str] = []  # live and dead, base then delta (search never returns dead ones)
        self._doc_of: np.ndarray = np.zeros(0, dtype=np.int32)
        self._doc_index: dict[str, int] = {}
        self._dead: np.ndarray = np.zeros(0, dtype=bool)
        self.generation: int = -1
        self._loaded_manifest: str | None = None
        self.last_update: dict[str, object] = {}  # what the last update did (for logs and benchmarks)

    # -- persistence ------------------------------------------------------------------------------
    def _read_manifest(self) -> tuple[str, dict] | None:
        try:
            raw = (self.dir / "CURRENT").read_text(encoding="utf-8")
            if not raw.lstrip().startswith("{"):
                log.info("lexical index in %s has an older layout; it will be rebuilt", self.dir)
                return None
            manifest = json.loads(raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("lexical index manifest %s unreadable (%s); it will be rebuilt", self.dir / "CURRENT", exc)
            return None
        if not isinstance(manifest, dict) or "generation" not in manifest:
            return None  # an older layout: rebuilt on first use
        return raw, manifest

    def load(self) -> bool:
        """Load the active manifest and its segments (no-op when already loaded). False if none exists."""
        with self._lock:
            got = self._read_manifest()
            if got is None:
                return False
            raw, manifest = got
            if raw == self._loaded_manifest:
                return True
            try:
                base = self._segment(manifest.get("base"), self.base)
                delta = self._segment(manifest.get("delta"), self.delta)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("lexical index segments in %s unreadable (%s); it will be rebuilt", self.dir, exc)
                return False
            self._set(base, delta, set(manifest.get("tombstones", [])), dict(manifest.get("docs", {})),
                      int(manifest["generation"]))
            self._loaded_manifest = raw
            return True

    def _segment(self, name: str | None, loaded: Segment | None) -> Segment | None:
        if not name:
            return None
        if loaded is not None and loaded.name == name:
            return loaded  # segments are immutable: keep the one in memory
        return Segment.load(self.dir / name)

    def _commit(self, base: Segment | None, delta: Segment | None, tombstones: set[str], docs: dict[str, str],
                generation: int) -> None:
        """Write new segments, then swap the manifest in atomically, then drop unreferenced files."""
        self.dir.mkdir(parents=True, exist_ok=True)
        for seg, prefix in ((base, "base"), (delta, "delta")):
            if seg is not None and seg.name is None:
                seg.save(self.dir, prefix, generation)
        manifest = {"generation": generation, "base": base.name if base else None,
                    "delta": delta.name if delta else None, "tombstones": sorted(tombstones), "docs": docs,
                    "analyzer": self.analyzer.version}
        raw = json.dumps(manifest, ensure_ascii=False)
        tmp = self.dir / f".CURRENT-{uuid.uuid4().hex[:8]}"
        tmp.write_text(raw, encoding="utf-8")
        os.replace(tmp, self.dir / "CURRENT")
        self._set(base, delta, tombstones, docs, generation)
        self._loaded_manifest = raw
        keep = {"CURRENT", *(s.name for s in (base, delta) if s is not None)}
        for p in self.dir.iterdir():
            if p.name not in keep:
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)

    def _set(self, base: Segment | None, delta: Segment | None, tombstones: set[str], docs: dict[str, str],
             generation: int) -> None:
        self.base, self.delta, self.tombstones, self.docs = base, delta, tombstones, docs
        self.generation = generation
        segs = self._segments()
        self.chunk_ids = [cid for s in segs for cid in s.chunk_ids]
        self._doc_index = {}
        doc_of = np.empty(len(self.chunk_ids), dtype=np.int32)
        i = 0
        for s in segs:
            for d in s.doc_ids:
                doc_of[i] = self._doc_index.setdefault(d, len(self._doc_index))
                i += 1
        self._doc_of = doc_of
        # dead chunks: base chunks of tombstoned docs (the delta holds live chunks only)
        deads = []
        for s in segs:
            dead = None
            if s is base and tombstones:
                dead = np.fromiter((d in tombstones for d in s.doc_ids), dtype=bool, count=len(s.doc_ids))
                if not dead.any():
                    dead = None
            s.chunk_dead = dead
            s.line_dead = dead[s.line_owner] if dead is not None else None
            deads.append(dead if dead is not None else np.zeros(len(s.chunk_ids), dtype=bool))
        self._dead = np.concatenate(deads) if deads else np.zeros(0, dtype=bool)
        for s in segs:
            s.line_weights = np.zeros(0, dtype=np.float32)  # computed below only when the line level is on
        for level in ("chunks", "lines") if self.line_weight > 0 else ("chunks",):
            n = total = 0
            for s in segs:
                p: Postings = getattr(s, level)
                dead = s.chunk_dead if level == "chunks" else s.line_dead
                live = p.lengths if dead is None else p.lengths[~dead]
                n += len(live)
                total += int(live.sum(dtype=np.int64))
            avg = total / n if n else 1.0
            for s in segs:
                weights = tf_weights(getattr(s, level), self.k1, self.b, avg)
                if level == "chunks":
                    s.chunk_weights = weights
                else:
                    s.line_weights = weights

    def _segments(self) -> list[Segment]:
        return [s for s in (self.base, self.delta) if s is not None]

    # -- building ---------------------------------------------------------------------------------
    @staticmethod
    def _signatures(store: ReportStore) -> dict[str, str]:
        """doc id -> version signature (content hash + ingest time: any replace changes it)."""
        return {r["doc_id"]: f"{r.get('content_hash') or ''}@{r.get('ingested_at') or ''}"
                for r in store.list_reports()}

    def _rows(self, store: ReportStore, doc_ids: Collection[str] | None) -> Iterable[tuple[str, str, list[str]]]:
        for cid, did, toks in store.iter_chunk_tokens(doc_ids=doc_ids):
            if toks is None:  # not cached (should not happen): analyse now
                toks = self.analyzer.passage_tokens(index_text(store.get_chunks([cid])[0]))
            yield cid, did, toks

    def rebuild(self, store: ReportStore) -> None:
        """Full rebuild into one base segment (a merge), swapped in atomically."""
        with self._lock:
            if store.get_meta("analyzer_version") != self.analyzer.version:
                self._retokenize(store)
            generation = store.generation()
            docs = self._signatures(store)
            seg = Segment.build(self._rows(store, None))
            self._commit(seg if seg.chunk_ids else None, None, set(), docs, generation)
            self.last_update = {"kind": "rebuild", "chunks": len(seg.chunk_ids)}
            log.info("lexical index rebuilt: %d chunks, %d terms (generation %d)", len(seg.chunk_ids),
                     len(seg.vocab), generation)

    def update(self, store: ReportStore) -> None:
        """Bring the index to the store's state at a cost of O(changed reports + delta segment):
        changed and removed reports are tombstoned in the base, added and changed ones go to the delta
        segment; a merge (full rebuild) runs when the delta or the tombstones grow too large."""
        with self._lock:
            self.load()  # another process may have moved the index on: diff against the newest one
            if store.get_meta("analyzer_version") != self.analyzer.version or self.base is None:
                self.rebuild(store)  # no base yet (or new analyzer): a full build is the update
                return
            generation = store.generation()
            current = self._signatures(store)
            changed = {d for d, sig in current.items() if self.docs.get(d) != sig}
            gone = {d for d in self.docs if d not in current} | changed
            base_docs = self.base.docs
            tombstones = self.tombstones | (gone & base_docs)
            delta_docs = ((self.delta.docs if self.delta else set()) - gone) | changed
            base_chunks = len(self.base.chunk_ids)
            dead = sum(d in tombstones for d in self.base.doc_ids) if tombstones else 0
            delta_seg = Segment.build(self._rows(store, sorted(delta_docs))) if delta_docs else None
            delta_chunks = len(delta_seg.chunk_ids) if delta_seg else 0
            if base_chunks < self.merge_min_chunks or delta_chunks > self.merge_fraction * base_chunks \
                    or dead > self.tombstone_fraction * base_chunks:
                self.rebuild(store)
                return
            self._commit(self.base, delta_seg if delta_chunks else None, tombstones, current, generation)
            self.last_update = {"kind": "delta", "changed_docs": len(changed), "removed_docs": len(gone - changed),
                                "delta_chunks": delta_chunks, "dead_base_chunks": dead}
            log.info("lexical index updated: %d reports added or changed, %d removed; delta %d chunks, "
                     "%d dead base chunks (generation %d)", len(changed), len(gone - changed), delta_chunks,
                     dead, generation)

    def _retokenize(self, store: ReportStore) -> None:
        """Recompute every chunk's cached terms (the analyzer changed since they were stored)."""
        tokens = {c.id: self.analyzer.passage_tokens(index_text(c)) for c in store.iter_chunks()}
        store.update_tokens(tokens, meta={"analyzer_version": self.analyzer.version})
        log.info("re-analysed %d chunks for analyzer %s", len(tokens), self.analyzer.version)

    def ensure_fresh(self, store: ReportStore) -> None:
        """Make the in-memory index match the store generation (load from disk, or update)."""
        gen = store.generation()
        same_analyzer = store.get_meta("analyzer_version") == self.analyzer.version
        if self.generation == gen and self._loaded_manifest is not None and same_analyzer:
            return
        with self._lock:
            if same_analyzer and self.load() and self.generation == gen:
                return
            self.update(store)

    # -- search -----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.chunk_ids) - int(self._dead.sum())

    def search(self, query: str, k: int = 10, doc_ids: Collection[str] | None = None,
               tokens: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk_id, score) for `query`, optionally restricted to `doc_ids`."""
        with self._lock:
            segs = self._segments()
            if not segs or not self.chunk_ids:
                return []
            terms = tokens if tokens is not None else self.analyzer.query_tokens(query)
            ids = [[s.vocab.get(t) for s in segs] for t in terms]
            ids = [per for per in ids if any(i is not None for i in per)]
            if not ids:
                return []
            chunk_parts = _level_scores([(s.chunks, s.chunk_dead, s.chunk_weights) for s in segs], ids)
            scores = np.concatenate(chunk_parts).astype(np.float64)
            if self.line_weight > 0:
                if any(len(s.line_weights) != len(s.lines.docs) for s in segs):  # turned on after loading
                    self._set(self.base, self.delta, self.tombstones, self.docs, self.generation)
                # Chunk score blended with its best line's score (rewards query terms close together).
                line_parts = _level_scores([(s.lines, s.line_dead, s.line_weights) for s in segs], ids)
                bests = []
                for s, ls in zip(segs, line_parts, strict=True):
                    if s.line_starts is not None and len(ls):
                        bests.append(np.maximum.reduceat(ls, s.line_starts).astype(np.float64))
                    else:
                        best = np.zeros(len(s.chunk_ids), dtype=np.float64)
                        np.maximum.at(best, s.line_owner, ls)
                        bests.append(best)
                best = np.concatenate(bests)
                if self._dead.any():
                    scores[self._dead] = 0.0
                    best[self._dead] = 0.0
                top_c, top_l = float(scores.max()), float(best.max())
                if top_c > 0 and top_l > 0:
                    scores = (1 - self.line_weight) * scores / top_c + self.line_weight * best / top_l
            if self._dead.any():
                scores[self._dead] = 0.0
            if doc_ids is not None:
                allowed = [self._doc_index[d] for d in doc_ids if d in self._doc_index]
                if not allowed:
                    return []
                scores = np.where(np.isin(self._doc_of, allowed), scores, 0.0)
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]
