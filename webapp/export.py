"""Exports: an answer or a whole conversation as a Word document (.docx), tables as CSV.

In the Word file every answer keeps its [n] markers (as in the app) and is followed by its
numbered sources: unit, report title and period, section, and the quoted sentence, so an
official can paste it into a report and keep the citations.
"""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp.citations import CitationView
from webapp.render import Note, source_line

EXPORT_MAX_AGE_S = 24 * 3600
APP_TITLE = "Trợ lý hỏi đáp báo cáo chuyển đổi số"
_MARKER_RE = re.compile(r"(\[\d+\])")
_BULLET_RE = re.compile(r"^\s*(?:[-*+•])\s+")


@dataclass(slots=True)
class ExportTurn:
    question: str
    prose: str
    notes: Sequence[Note]
    views: Sequence[CitationView]
    stopped: bool = False


def _add_prose(doc: Any, text: str) -> None:
    for line in text.strip().split("\n"):
        if not line.strip():
            continue
        bullet = _BULLET_RE.match(line)
        p = doc.add_paragraph(style="List Bullet" if bullet else None)
        for part in _MARKER_RE.split(line[bullet.end():] if bullet else line):
            if part:
                run = p.add_run(part)
                if _MARKER_RE.fullmatch(part):
                    run.font.superscript = True


def write_docx(path: Path, turns: Sequence[ExportTurn], title: str) -> Path:
    """One heading per question, the answer, its notes and its numbered sources."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    doc.core_properties.title = title
    doc.core_properties.language = "vi-VN"
    doc.add_heading(title, level=1)
    doc.add_paragraph(f"{APP_TITLE} · xuất lúc {time.strftime('%H:%M ngày %d/%m/%Y')}")
    for k, t in enumerate(turns, start=1):
        doc.add_heading(f"Câu hỏi {k}: {t.question}" if len(turns) > 1 else f"Câu hỏi: {t.question}", level=2)
        _add_prose(doc, t.prose)
        if t.stopped:
            doc.add_paragraph("(Câu trả lời đã bị dừng giữa chừng.)").runs[0].italic = True
        for n in t.notes:
            doc.add_paragraph(f"Lưu ý: {n.text}").runs[0].italic = True
        if t.views:
            doc.add_heading("Nguồn trích dẫn", level=3)
            for v in t.views:
                doc.add_paragraph(source_line(v))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    doc.save(str(tmp))
    os.replace(tmp, path)
    return path


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with BOM so Excel opens Vietnamese text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def export_path(exports_dir: Path, stem: str, suffix: str) -> Path:
    """A fresh, unguessable file name under `exports_dir`; exports older than a day are removed."""
    if exports_dir.is_dir():
        now = time.time()
        for old in exports_dir.iterdir():
            if old.is_file() and now - old.stat().st_mtime > EXPORT_MAX_AGE_S:
                old.unlink(missing_ok=True)
    return exports_dir / f"{stem}_{time.strftime('%Y%m%d_%H%M%S')}_{os.urandom(4).hex()}{suffix}"
