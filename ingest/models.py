"""Plain dataclasses that flow through the pipeline: ingest -> index -> assistant.

These are the project's own types; LlamaIndex or Chroma objects never leave `index/`.
Offsets (`start`, `end`) are character offsets into `Report.text`, the NFC-normalised
text produced by the loader (`LoadedDocument.text`); `LoadedDocument.source_offset()`
maps them back to the raw source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ParagraphKind = Literal["heading", "text", "bullet", "table_row"]
UnitType = Literal["phường", "xã", "thị trấn"]


@dataclass(slots=True)
class Paragraph:
    """One citable paragraph: `report.text[start:end] == text`."""

    id: str  # "<doc_id>:p<n>", n counts from 1 in document order
    doc_id: str
    n: int
    text: str
    start: int
    end: int
    section_path: tuple[str, ...]  # titles of enclosing sections, outermost first
    kind: ParagraphKind = "text"
    table_id: str | None = None  # set for table rows
    header: tuple[str, ...] | None = None  # table rows: the table's header cells
    cells: tuple[str, ...] | None = None  # table rows: this row's cells


@dataclass(slots=True)
class Section:
    id: str  # "<doc_id>:s<n>"
    title: str  # heading text without its numbering ("Công tác lãnh đạo, chỉ đạo")
    numbering: str  # as written: "Phần 1", "I.", "1.", "2.1.", "a)", "" for bold headings
    level: int  # 1 = top-level
    path: tuple[str, ...]  # full titles from the root to this section, inclusive
    start: int
    end: int
    heading_paragraph_id: str | None = None
    children: list[Section] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    id: str  # "<doc_id>:t<n>"
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    paragraph_ids: list[str]  # one per row (the header row included, first)
    section_path: tuple[str, ...] = ()


@dataclass(slots=True)
class Report:
    doc_id: str  # file stem
    source_path: str
    text: str  # NFC text; every offset points into it
    content_hash: str  # sha256 of the raw bytes
    unit: str | None = None  # canonical unit name, e.g. "Trí Quả"
    unit_type: str | None = None  # "phường" | "xã" | "thị trấn"
    unit_variants: list[str] = field(default_factory=list)  # typo spellings seen in the text
    province: str | None = None  # e.g. "Bắc Ninh"
    period: str | None = None  # "2026-04" | "2026-Q1" | "2026-H1" | "2026" | range label
    period_label: str | None = None  # the phrase as written ("quý I năm 2026")
    report_number: str | None = None  # "103/BC-UBND"; None when left blank
    date: str | None = None  # ISO date when complete, else None
    title: str | None = None
    signer: str | None = None
    references: list[str] = field(default_factory=list)  # "Công văn số 954/SKH-CN-CDS ngày 13/3/2026"
    sections: list[Section] = field(default_factory=list)  # roots of the section tree
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def paragraph(self, paragraph_id: str) -> Paragraph:
        for p in self.paragraphs:
            if p.id == paragraph_id:
                return p
        raise KeyError(paragraph_id)


@dataclass(slots=True)
class Chunk:
    id: str  # "<doc_id>:c<n>"
    doc_id: str
    n: int
    text: str  # header line with the section path, then the paragraphs' text
    section_path: tuple[str, ...]
    paragraph_ids: list[str]
    start: int  # offset of the first covered paragraph
    end: int  # end offset of the last covered paragraph


@dataclass(slots=True)
class Indicator:
    doc_id: str
    unit: str | None
    province: str | None
    period: str | None
    key: str  # canonical key from the taxonomy, e.g. "so_hoa_ho_so"
    label: str  # the label as written
    value: float
    measure: str  # "%", "hồ sơ", "văn bản", "thủ tục", "điểm", "đồng", ...
    qualifier: str | None  # "trên", "khoảng", "đạt", ...
    numerator: float | None
    denominator: float | None
    paragraph_id: str
    sentence: str
    start: int  # char span of the sentence in Report.text
    end: int


FactKind = Literal["figure", "date", "person", "docref"]


@dataclass(slots=True)
class Fact:
    """A typed statement of one sentence (ingest/facts.py). Offsets point into the paragraph text."""

    doc_id: str
    paragraph_id: str
    kind: FactKind
    start: int  # the value ("2,710 hồ sơ", "10/3/2026", "Nguyễn Văn A", "Kế hoạch số 13/KH-UBND")
    end: int
    text: str  # the value as written (figures: with their qualifier, "trên 95%")
    label: str  # what the value is: a figure's measured thing, a date's context, a document's subject
    sentence_start: int  # the sentence that states the fact
    sentence_end: int
    value: float | None = None  # figures
    value_kind: str | None = None  # figures: count | percent | money | fraction | decimal | duration | zero
    measure: str | None = None  # figures: "%", "hồ sơ", "đồng" ...; docref: its kind ("Kế hoạch")
    qualifier: str | None = None  # figures: "trên", "gần" ...; signer: "KT. Chủ tịch"
    denominator: float | None = None  # fractions "09/17", ranks "26/99"
    iso: str | None = None  # dates: "2026-03-10" / "2026-03"; docref: its date
    role: str | None = None  # person: role and organisation; date: "from" | "to"; docref: issuer
    ref: str | None = None  # docref: number/symbol; date: the document it dates; person: "signer"
    target: bool = False  # stated as a plan or target ("Phấn đấu ...", section "Phương hướng")
