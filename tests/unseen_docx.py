"""Build the .docx fixture of tests/fixtures/unseen/ from its text spec (tests/fixtures/unseen_src/).

    python -m tests.unseen_docx      # rewrites tests/fixtures/unseen/phuong_nghia_lo_quy1_2026.docx

Spec format: one line = one Word paragraph; "**text**" = a paragraph in bold runs; lines between
"[table]" and "[/table]" are table rows, cells separated by " | ", " // " separating paragraphs inside
one cell (a Word header or signature block is a borderless two-cell table); "# " lines are comments.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPEC = FIXTURES / "unseen_src" / "phuong_nghia_lo_quy1_2026.spec.txt"
DOCX = FIXTURES / "unseen" / "phuong_nghia_lo_quy1_2026.docx"

log = logging.getLogger(__name__)


def _rows(block: list[str]) -> list[list[list[str]]]:
    return [[[p.strip() for p in cell.split(" // ")] for cell in line.split(" | ")] for line in block]


def build_docx(spec: Path, out: Path) -> Path:
    """Write the .docx described by `spec` to `out`."""
    import docx

    document = docx.Document()
    block: list[str] | None = None
    for raw in spec.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line == "[table]":
            block = []
            continue
        if line == "[/table]":
            if block is None:
                raise ValueError(f"{spec}: '[/table]' không có '[table]' mở đầu")
            rows = _rows(block)
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, paragraphs in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = paragraphs[0]
                    for extra in paragraphs[1:]:
                        cell.add_paragraph(extra)
            block = None
            continue
        if block is not None:
            block.append(line)
        elif line.startswith("**") and line.endswith("**"):
            document.add_paragraph().add_run(line[2:-2]).bold = True
        else:
            document.add_paragraph(line)
    if block is not None:
        raise ValueError(f"{spec}: thiếu '[/table]'")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log.info("Đã ghi %s", build_docx(SPEC, DOCX))
    return 0


if __name__ == "__main__":
    sys.exit(main())
