"""What the header of a report's table says about its cells (one home for facts and indicators).

A table of indicators ("STT | Chỉ tiêu | Đơn vị tính | Kết quả") measures a row's figures in its unit
column, and a table comparing a plan with its result ("Chỉ tiêu | Kế hoạch năm 2026 | Thực hiện 6
tháng") holds targets in its plan columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.numbers import find_numbers, measure_at
from ingest.text import fold

UNIT_CELL_CHARS = 20

_PLAN_COLUMN_RE = re.compile(r"(?<![a-z])(?:ke hoach|chi tieu|muc tieu|du kien|phan dau)(?![a-z])")
_UNIT_HEADER_RE = re.compile(r"^\s*(?:don vi tinh|dvt|don vi do|don vi)\s*$")


def is_plan_column(header_cell: str) -> bool:
    """Does a column header name a plan or target ("Kế hoạch năm 2026", "Chỉ tiêu giao")?"""
    return bool(_PLAN_COLUMN_RE.search(fold(header_cell)))


def row_unit(cells: Sequence[str], header: Sequence[str]) -> tuple[str | None, float]:
    """(measure, multiplier) of a table row: the cell under "Đơn vị tính" / "ĐVT" ("%" -> ("%", 1),
    "Hồ sơ" -> ("hồ sơ", 1), "Triệu đồng" -> ("đồng", 1e6)); (None, 1) when the table has no unit column.
    A unit the measure list does not know ("Camera", "Tổ") is kept as written, lower case."""
    for j, c in enumerate(cells):
        col = header[j] if j < len(header) else ""
        if c and _UNIT_HEADER_RE.match(fold(col)) and len(c.strip()) <= UNIT_CELL_CHARS \
                and not find_numbers(c):
            unit = c.strip()
            if unit in ("%", "％"):
                return "%", 1.0
            folded = fold(unit)
            measure, length, multiplier = measure_at(folded)
            if measure and length >= len(folded.strip()):
                return measure, multiplier
            return unit.lower(), 1.0
    return None, 1.0
