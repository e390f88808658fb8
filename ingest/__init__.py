"""Ingestion: load report files, parse them into structured citable documents, chunk them."""

from __future__ import annotations

from pathlib import Path

__all__ = ["parse_file"]


def parse_file(path: Path | str, doc_id: str | None = None, max_bytes: int | None = None):
    """Load and parse one report file. `doc_id` defaults to the file stem.

    Returns an `ingest.models.Report`; raises `ingest.loaders.LoadError` for unreadable files.
    """
    from ingest.loaders import DEFAULT_MAX_BYTES, load_document
    from ingest.parser import ReportParser

    path = Path(path)
    doc = load_document(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    return ReportParser().run(doc, doc_id or path.stem)
