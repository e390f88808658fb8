"""SQLite store: reports, paragraphs, chunks (with cached analyzer tokens), indicators, manifest.

One file `<store>/reports.sqlite` in WAL mode. Every change to a report happens in ONE transaction
(`replace_report`, `remove_report`), so readers see either the old or the new state of a file.
`generation()` is bumped by every change; the lexical index and other caches compare it to know when
to refresh. Chroma vectors are keyed by `chunks.vector_id` (chunk id + content-hash suffix): a reader
joins vector hits against this table, so vectors of an older version of a file are never returned
even if a crash left them behind.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ingest.models import Chunk, Fact, Indicator, Paragraph, Report, Section, Table

log = logging.getLogger(__name__)

DB_NAME = "reports.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    doc_id TEXT PRIMARY KEY, source_path TEXT, content_hash TEXT, unit TEXT, unit_type TEXT,
    unit_variants TEXT, province TEXT, period TEXT, period_label TEXT, report_number TEXT, date TEXT,
    title TEXT, signer TEXT, refs TEXT, warnings TEXT, sections TEXT, tables TEXT, text TEXT,
    n_sections INTEGER, n_paragraphs INTEGER, n_chunks INTEGER, n_indicators INTEGER, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, n INTEGER, text TEXT, start INTEGER, "end" INTEGER,
    section_path TEXT, kind TEXT, table_id TEXT, header TEXT, cells TEXT
);
CREATE INDEX IF NOT EXISTS paragraphs_doc ON paragraphs(doc_id, n);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, n INTEGER, text TEXT, section_path TEXT,
    paragraph_ids TEXT, start INTEGER, "end" INTEGER, tokens TEXT, vector_id TEXT
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, n);
CREATE INDEX IF NOT EXISTS chunks_vector ON chunks(vector_id);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id TEXT NOT NULL, seq INTEGER, unit TEXT, province TEXT, period TEXT, key TEXT, label TEXT,
    value REAL, measure TEXT, qualifier TEXT, numerator REAL, denominator REAL, paragraph_id TEXT,
    sentence TEXT, start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS indicators_doc ON indicators(doc_id, seq);
CREATE INDEX IF NOT EXISTS indicators_key ON indicators(key);
CREATE TABLE IF NOT EXISTS facts (
    doc_id TEXT NOT NULL, seq INTEGER, paragraph_id TEXT, kind TEXT, start INTEGER, "end" INTEGER,
    text TEXT, label TEXT, sentence_start INTEGER, sentence_end INTEGER, value REAL, value_kind TEXT,
    measure TEXT, qualifier TEXT, denominator REAL, iso TEXT, role TEXT, ref TEXT, target INTEGER
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id, seq);
CREATE TABLE IF NOT EXISTS manifest (
    doc_id TEXT PRIMARY KEY, path TEXT, content_hash TEXT, ingested_at REAL
);
"""


_INDICATOR_COLS = ('doc_id, unit, province, period, key, label, value, measure, qualifier, numerator, '
                   'denominator, paragraph_id, sentence, start, "end"')
_SQL_BATCH = 900  # ids per "IN (...)" query (SQLite's default variable limit is 999)


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _count_sections(sections: Sequence[Section]) -> int:
    return sum(1 + _count_sections(s.children) for s in sections)


def _section_from_dict(d: dict[str, Any]) -> Section:
    return Section(id=d["id"], title=d["title"], numbering=d["numbering"], level=d["level"],
                   path=tuple(d["path"]), start=d["start"], end=d["end"],
                   heading_paragraph_id=d.get("heading_paragraph_id"),
                   children=[_section_from_dict(c) for c in d.get("children", [])])


def vector_id(chunk_id: str, content_hash: str) -> str:
    """Chroma id of a chunk version: a changed file gets new ids, so old and new never collide."""
    return f"{chunk_id}@{content_hash[:16]}"


class ReportStore:
    """SQLite-backed store. `path` is the store directory (or a .sqlite file)."""

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        if p.suffix in (".sqlite", ".db"):
            self.db_path = p
        else:
            self.db_path = p / DB_NAME
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._reports_cache: tuple[int, list[dict[str, Any]]] | None = None
        self._indicator_cache: dict[str, tuple[int, list[Indicator]]] = {}
        self._conn = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None,
                                     timeout=30.0)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
            self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')")

    # -- plumbing ---------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def update_tokens(self, tokens: dict[str, Sequence[str]], meta: dict[str, str] | None = None) -> None:
        """Replace cached chunk terms (after an analyzer change), in one transaction."""
        with self._tx() as c:
            c.executemany("UPDATE chunks SET tokens = ? WHERE id = ?",
                          [(" ".join(t), cid) for cid, t in tokens.items()])
            for k, v in (meta or {}).items():
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (k, v))

    def generation(self) -> int:
        """Monotonic change counter (bumped by every replace/remove)."""
        rows = self._rows("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    # -- writes -----------------------------------------------------------------------------------
    def replace_report(self, report: Report, chunks: Sequence[Chunk], indicators: Sequence[Indicator],
                       tokens: Sequence[Sequence[str]] | None = None,
                       vector_ids: Sequence[str | None] | None = None,
                       facts: Sequence[Fact] | None = None) -> None:
        """Replace everything stored for `report.doc_id` in one transaction (manifest included).

        `tokens[i]` are the analyzer terms of `chunks[i]` (cached for lexical rebuilds);
        `vector_ids[i]` the Chroma id of its vector (None when dense retrieval is off).
        """
        if tokens is not None and len(tokens) != len(chunks):
            raise ValueError("tokens and chunks differ in length")
        if vector_ids is not None and len(vector_ids) != len(chunks):
            raise ValueError("vector_ids and chunks differ in length")
        now = time.time()
        doc_id = report.doc_id
        with self._tx() as c:
            self._delete_rows(c, doc_id)
            c.execute(
                "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, report.source_path, report.content_hash, report.unit, report.unit_type,
                 _j(report.unit_variants), report.province, report.period, report.period_label,
                 report.report_number, report.date, report.title, report.signer, _j(report.references),
                 _j(report.warnings), _j([asdict(s) for s in report.sections]),
                 _j([asdict(t) for t in report.tables]), report.text, _count_sections(report.sections),
                 len(report.paragraphs), len(chunks), len(indicators), now))
            c.executemany(
                "INSERT INTO paragraphs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(p.id, doc_id, p.n, p.text, p.start, p.end, _j(list(p.section_path)), p.kind, p.table_id,
                  None if p.header is None else _j(list(p.header)),
                  None if p.cells is None else _j(list(p.cells))) for p in report.paragraphs])
            c.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(ch.id, doc_id, ch.n, ch.text, _j(list(ch.section_path)), _j(list(ch.paragraph_ids)),
                  ch.start, ch.end, None if tokens is None else " ".join(tokens[i]),
                  None if vector_ids is None else vector_ids[i]) for i, ch in enumerate(chunks)])
            c.executemany(
                "INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, i, ind.unit, ind.province, ind.period, ind.key, ind.label, ind.value, ind.measure,
                  ind.qualifier, ind.numerator, ind.denominator, ind.paragraph_id, ind.sentence, ind.start,
                  ind.end) for i, ind in enumerate(indicators)])
            self._insert_facts(c, doc_id, facts or ())
            c.execute("INSERT OR REPLACE INTO manifest VALUES (?,?,?,?)",
                      (doc_id, report.source_path, report.content_hash, now))
            self._bump(c)

    @staticmethod
    def _insert_facts(c: sqlite3.Connection, doc_id: str, facts: Sequence[Fact]) -> None:
        c.executemany(
            "INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, i, f.paragraph_id, f.kind, f.start, f.end, f.text, f.label, f.sentence_start,
              f.sentence_end, f.value, f.value_kind, f.measure, f.qualifier, f.denominator, f.iso, f.role,
              f.ref, int(f.target)) for i, f in enumerate(facts)])

    def replace_facts(self, doc_id: str, facts: Sequence[Fact]) -> None:
        """Re-extracted facts of one stored report (the fact extractor changed); one transaction."""
        with self._tx() as c:
            c.execute("DELETE FROM facts WHERE doc_id = ?", (doc_id,))
            self._insert_facts(c, doc_id, facts)

    def get_facts(self, doc_id: str) -> list[Fact]:
        rows = self._rows('SELECT paragraph_id, kind, start, "end", text, label, sentence_start, sentence_end, '
                          "value, value_kind, measure, qualifier, denominator, iso, role, ref, target "
                          "FROM facts WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [Fact(doc_id, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                     r[13], r[14], r[15], bool(r[16])) for r in rows]

    @staticmethod
    def _delete_rows(c: sqlite3.Connection, doc_id: str) -> None:
        for table in ("reports", "paragraphs", "chunks", "indicators", "facts", "manifest"):
            c.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def remove_report(self, doc_id: str) -> bool:
        """Delete a report everywhere in SQLite; True when it existed."""
        with self._tx() as c:
            existed = c.execute("SELECT 1 FROM manifest WHERE doc_id = ? UNION SELECT 1 FROM reports "
                                "WHERE doc_id = ?", (doc_id, doc_id)).fetchone() is not None
            self._delete_rows(c, doc_id)
            if existed:
                self._bump(c)
        return existed

    # -- manifest ---------------------------------------------------------------------------------
    def manifest_hash(self, doc_id: str) -> str | None:
        rows = self._rows("SELECT content_hash FROM manifest WHERE doc_id = ?", (doc_id,))
        return rows[0][0] if rows else None

    def manifest(self) -> dict[str, dict[str, Any]]:
        return {r["doc_id"]: dict(r) for r in self._rows("SELECT * FROM manifest")}

    # -- reports ----------------------------------------------------------------------------------
    _META_COLS = ("doc_id, source_path, content_hash, unit, unit_type, unit_variants, province, period, "
                  "period_label, report_number, date, title, signer, refs, warnings, n_sections, "
                  "n_paragraphs, n_chunks, n_indicators, ingested_at")

    @staticmethod
    def _meta(row: sqlite3.Row) -> dict[str, Any]:
        d = dict(row)
        d["unit_variants"] = json.loads(d["unit_variants"] or "[]")
        d["references"] = json.loads(d.pop("refs") or "[]")
        d["warnings"] = json.loads(d["warnings"] or "[]")
        return d

    def list_reports(self) -> list[dict[str, Any]]:
        """Metadata of every report (no text), ordered by doc_id. The list is cached per store
        generation (every question of an aggregate reads it): treat it as read-only."""
        gen = self.generation()
        cached = self._reports_cache
        if cached is not None and cached[0] == gen:
            return cached[1]
        reports = [self._meta(r) for r in self._rows(f"SELECT {self._META_COLS} FROM reports ORDER BY doc_id")]
        self._reports_cache = (gen, reports)
        return reports

    def get_report_meta(self, doc_id: str) -> dict[str, Any] | None:
        rows = self._rows(f"SELECT {self._META_COLS} FROM reports WHERE doc_id = ?", (doc_id,))
        return self._meta(rows[0]) if rows else None

    def report_summary(self, doc_id: str) -> dict[str, Any] | None:
        """The `python -m ingest --json` object of a stored report."""
        m = self.get_report_meta(doc_id)
        if m is None:
            return None
        return {"doc_id": m["doc_id"], "unit": m["unit"], "unit_type": m["unit_type"],
                "province": m["province"], "period": m["period"], "report_number": m["report_number"],
                "signer": m["signer"], "sections": m["n_sections"], "paragraphs": m["n_paragraphs"],
                "chunks": m["n_chunks"], "indicators": m["n_indicators"], "warnings": m["warnings"]}

    def get_report(self, doc_id: str) -> Report | None:
        """The full stored Report (text, sections, paragraphs, tables)."""
        rows = self._rows("SELECT * FROM reports WHERE doc_id = ?", (doc_id,))
        if not rows:
            return None
        r = rows[0]
        tables = [Table(id=t["id"], header=tuple(t["header"]), rows=[tuple(x) for x in t["rows"]],
                        paragraph_ids=list(t["paragraph_ids"]), section_path=tuple(t["section_path"]))
                  for t in json.loads(r["tables"] or "[]")]
        return Report(doc_id=doc_id, source_path=r["source_path"], text=r["text"],
                      content_hash=r["content_hash"], unit=r["unit"], unit_type=r["unit_type"],
                      unit_variants=json.loads(r["unit_variants"] or "[]"), province=r["province"],
                      period=r["period"], period_label=r["period_label"], report_number=r["report_number"],
                      date=r["date"], title=r["title"], signer=r["signer"],
                      references=json.loads(r["refs"] or "[]"),
                      sections=[_section_from_dict(s) for s in json.loads(r["sections"] or "[]")],
                      paragraphs=self.get_paragraphs(doc_id), tables=tables,
                      warnings=json.loads(r["warnings"] or "[]"))

    # -- paragraphs -------------------------------------------------------------------------------
    @staticmethod
    def _paragraph(r: sqlite3.Row) -> Paragraph:
        return Paragraph(id=r["id"], doc_id=r["doc_id"], n=r["n"], text=r["text"], start=r["start"],
                         end=r["end"], section_path=tuple(json.loads(r["section_path"])), kind=r["kind"],
                         table_id=r["table_id"],
                         header=None if r["header"] is None else tuple(json.loads(r["header"])),
                         cells=None if r["cells"] is None else tuple(json.loads(r["cells"])))

    def get_paragraph(self, pid: str) -> Paragraph | None:
        rows = self._rows("SELECT * FROM paragraphs WHERE id = ?", (pid,))
        return self._paragraph(rows[0]) if rows else None

    def get_paragraphs(self, doc_id: str) -> list[Paragraph]:
        return [self._paragraph(r) for r in
                self._rows("SELECT * FROM paragraphs WHERE doc_id = ? ORDER BY n", (doc_id,))]

    # -- chunks -----------------------------------------------------------------------------------
    def get_paragraphs_by_ids(self, pids: Sequence[str]) -> dict[str, Paragraph]:
        """Many paragraphs by id in few queries (citations of a long aggregate answer)."""
        out: dict[str, Paragraph] = {}
        ids = list(dict.fromkeys(pids))
        for i in range(0, len(ids), _SQL_BATCH):
            part = ids[i:i + _SQL_BATCH]
            rows = self._rows(f"SELECT * FROM paragraphs WHERE id IN ({','.join('?' * len(part))})", part)
            out.update((r["id"], self._paragraph(r)) for r in rows)
        return out

    def sample_paragraph_texts(self, limit: int) -> list[str]:
        """About `limit` paragraph texts spread evenly over the store (for term statistics)."""
        total = self._rows("SELECT COUNT(*) AS n FROM paragraphs")[0]["n"]
        step = max(1, total // max(limit, 1))
        rows = self._rows("SELECT text FROM paragraphs WHERE rowid % ? = 0 LIMIT ?", (step, limit))
        return [r["text"] for r in rows]

    @staticmethod
    def _chunk(r: sqlite3.Row) -> Chunk:
        return Chunk(id=r["id"], doc_id=r["doc_id"], n=r["n"], text=r["text"],
                     section_path=tuple(json.loads(r["section_path"])),
                     paragraph_ids=json.loads(r["paragraph_ids"]), start=r["start"], end=r["end"])

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order of `ids` (unknown ids are skipped)."""
        found: dict[str, Chunk] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            for r in self._rows(f"SELECT * FROM chunks WHERE id IN ({q})", part):
                found[r["id"]] = self._chunk(r)
        return [found[i] for i in ids if i in found]

    def get_doc_chunks(self, doc_id: str) -> list[Chunk]:
        return [self._chunk(r) for r in self._rows("SELECT * FROM chunks WHERE doc_id = ? ORDER BY n",
                                                   (doc_id,))]

    def chunk_ids_for_vectors(self, vector_ids: Sequence[str]) -> dict[str, str]:
        """vector id -> chunk id, for the vector ids that belong to the current version of a chunk."""
        out: dict[str, str] = {}
        vids = list(vector_ids)
        for i in range(0, len(vids), 500):
            part = vids[i : i + 500]
            q = ",".join("?" * len(part))
            for r in self._rows(f"SELECT id, vector_id FROM chunks WHERE vector_id IN ({q})", part):
                out[r["vector_id"]] = r["id"]
        return out

    def set_vector_ids(self, doc_id: str, mapping: dict[str, str]) -> None:
        """Record backfilled vector ids (chunk id -> vector id) for a stored report."""
        with self._tx() as c:
            c.executemany("UPDATE chunks SET vector_id = ? WHERE id = ? AND doc_id = ?",
                          [(v, k, doc_id) for k, v in mapping.items()])

    def vector_ids(self, doc_id: str | None = None) -> set[str]:
        sql = "SELECT vector_id FROM chunks WHERE vector_id IS NOT NULL"
        rows = self._rows(sql + " AND doc_id = ?", (doc_id,)) if doc_id else self._rows(sql)
        return {r[0] for r in rows}

    def iter_chunks(self) -> Iterator[Chunk]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM chunks ORDER BY doc_id, n").fetchall()
        for r in rows:
            yield self._chunk(r)

    def iter_chunk_tokens(self, doc_ids: Sequence[str] | None = None) -> Iterator[tuple[str, str, list[str] | None]]:
        """(chunk_id, doc_id, cached tokens or None) for every chunk (or those of `doc_ids`), ordered by
        doc and position."""
        # A separate read connection streams the rows (WAL: a consistent snapshot, no lock held, and the
        # cached terms of 10,000 reports are never all in memory at once).
        conn = sqlite3.connect(self.db_path, timeout=30.0)
        try:
            if doc_ids is None:
                cursors = [conn.execute("SELECT id, doc_id, tokens FROM chunks ORDER BY doc_id, n")]
            else:
                ids = sorted(set(doc_ids))
                cursors = (conn.execute(f"SELECT id, doc_id, tokens FROM chunks WHERE doc_id IN "
                                        f"({','.join('?' * len(part))}) ORDER BY doc_id, n", part)
                           for part in (ids[i : i + _SQL_BATCH] for i in range(0, len(ids), _SQL_BATCH)))
            for cur in cursors:
                while rows := cur.fetchmany(2000):
                    for r in rows:
                        yield r[0], r[1], (None if r[2] is None else r[2].split(" ") if r[2] else [])
        finally:
            conn.close()

    def count_chunks(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM chunks")[0][0])

    # -- indicators -------------------------------------------------------------------------------
    def query_indicators(self, key: str | None = None, unit: str | None = None,
                         doc_id: str | None = None) -> list[Indicator]:
        clauses, params = [], []
        for col, val in (("key", key), ("unit", unit), ("doc_id", doc_id)):
            if val is not None:
                clauses.append(f"{col} = ?")
                params.append(val)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        # Every aggregate question reads all figures of one indicator: those lists are cached per
        # store generation (read-only for callers).
        cacheable = key is not None and unit is None and doc_id is None
        gen = self.generation() if cacheable else None
        if cacheable and (hit := self._indicator_cache.get(key)) is not None and hit[0] == gen:
            return hit[1]
        # Columns in Indicator's field order: rows unpack positionally (an aggregate over a national
        # store reads tens of thousands of them per question).
        rows = self._rows(f"SELECT {_INDICATOR_COLS} FROM indicators{where} ORDER BY doc_id, seq", params)
        out = [Indicator(*r) for r in rows]
        if cacheable:
            self._indicator_cache[key] = (gen, out)
        return out
