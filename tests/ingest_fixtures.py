"""Helpers for the ingest tests: build .docx/.pdf/Windows-1258 files from sample report text."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

REPORTS_DIR = Path(__file__).resolve().parent.parent / "data" / "reports"


def copy_reports(dest: Path, doc_ids: Iterable[str] | None = None) -> Path:
    """A folder `dest` holding copies of sample reports (all of them when `doc_ids` is None)."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(REPORTS_DIR.iterdir()):
        if doc_ids is None or f.stem in doc_ids:
            shutil.copy(f, dest / f.name)
    return dest


def services_over(tmp_path_factory, files: dict[str, str]):
    """Services (no embeddings) over a fresh store holding the given report files (name -> text)."""
    from assistant.services import build_services
    from index.settings import EmbedSettings, Settings

    corpus = tmp_path_factory.mktemp("corpus")
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(RAG_STORE=str(tmp_path_factory.mktemp("store")), embed=EmbedSettings(EMBED_MODEL="none"))
    svc = build_services(settings)
    results = svc.ingestor.ingest_paths([corpus], progress=False)
    assert all(getattr(r, "error", None) is None for r in results)
    return svc


def sample_path(prefix: str) -> Path:
    return next(REPORTS_DIR.glob(f"{prefix}*.txt"))


def sample_text(prefix: str) -> str:
    return sample_path(prefix).read_text(encoding="utf-8")


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 (precomposed base letters + combining tone marks)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        # keep a precomposed base such as "ô", "ơ", "ư", "ă", "â", "ê" and add the tone mark
        options = [(unicodedata.normalize("NFC", base + m), marks.replace(m, "", 1)) for m in marks]
        options.append((base, marks))
        for head, rest in options:
            try:
                out += head.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "not representable")
    return bytes(out)


def write_docx(path: Path, text: str) -> Path:
    """A .docx whose paragraphs are the text's lines; tab-separated blocks become real tables."""
    import docx

    document = docx.Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line.strip("\t ") or (line.count("\t") >= 2 and line.strip()):
            block: list[list[str]] = []
            while i < len(lines) and (("\t" in lines[i]) or not lines[i].strip()):
                if lines[i].strip():
                    block.append([c.strip() for c in lines[i].split("\t")])
                i += 1
            width = max(len(r) for r in block)
            table = document.add_table(rows=len(block), cols=width)
            for r, row in enumerate(block):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            continue
        document.add_paragraph(line.strip())
        i += 1
    document.save(str(path))
    return path


def dejavu_font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def write_pdf(path: Path, text: str, *, password: str | None = None) -> Path:
    """A text-layer PDF rendered with DejaVuSans (covers Vietnamese)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for line in text.split("\n"):
        line = line.replace("\t", "    ").strip()
        if not line:
            pdf.ln(4)
            continue
        pdf.multi_cell(0, 5, line)
        pdf.ln(1)
    if password:
        from fpdf.enums import EncryptionMethod

        pdf.set_encryption(owner_password="owner-" + password, user_password=password,
                           encryption_method=EncryptionMethod.RC4)
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF with only drawings (what a scan looks like to a text extractor)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    for k in range(20):
        pdf.rect(20, 20 + 10 * k, 150 - 3 * k, 4, style="F")
    pdf.output(str(path))
    return path
