"""Parse a loaded report into metadata, a section tree, citable paragraphs and tables.

`ReportParser().run(doc, doc_id) -> Report`, in three steps, one module each:
- `ingest.parser.lines`: the text cut into lines, each classified (table row, bullet, heading with
  rank and numbering, text);
- `ingest.parser.structure`: sections, paragraphs (stable ids `<doc_id>:p<n>`, exact offsets) and tables;
- `ingest.parser.metadata`: number, date, title, period, unit, province, signer, referenced documents.
All rules are regular expressions over the conventions of Vietnamese administrative reports; nothing
is keyed to particular files. The reporting period is read with `ingest.periods.find_period`.
"""

from __future__ import annotations

from ingest.loaders import LoadedDocument
from ingest.models import Report
from ingest.parser.lines import classify, split_lines
from ingest.parser.metadata import MetadataReader
from ingest.parser.structure import build_structure
from ingest.periods import find_period, period_bounds, period_overlaps

# Re-exported: assistant/strategies/base.py imports the period helpers from here.
__all__ = ["ReportParser", "find_period", "period_bounds", "period_overlaps"]

_LEGACY_NOTES = {
    "tcvn3": "văn bản gõ bằng bảng mã TCVN3 (ABC), đã chuyển sang Unicode (chữ hoa có dấu thành chữ thường)",
    "vni": "văn bản gõ bằng bảng mã VNI, đã chuyển sang Unicode",
}


class ReportParser:
    """`run(doc, doc_id) -> Report` (metadata, sections, paragraphs, tables)."""

    def __init__(self, use_gazetteer: bool = True) -> None:
        self.use_gazetteer = use_gazetteer
        self._metadata = MetadataReader(use_gazetteer)

    def run(self, doc: LoadedDocument, doc_id: str) -> Report:
        text = doc.text
        report = Report(doc_id=doc_id, source_path=str(doc.path), text=text, content_hash=doc.content_hash)
        lines = split_lines(text)
        classify(text, lines)
        build_structure(report, lines)
        self._metadata.read(report, lines)
        if doc.encoding in _LEGACY_NOTES:
            report.warnings.append(_LEGACY_NOTES[doc.encoding])
        return report
