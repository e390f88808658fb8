"""Dates in report sentences (ingest/facts.py): the patterns over folded text and their ISO form.

`_DATE_PATTERNS` find "ngày 22 tháng 12 năm 2024", "10/3/2026", "sáng 7.11", "tháng 5/2026";
`_DATE_AFTER_REF_RE` the date written after a document reference; `_iso` turns a match into
"2026-03-10" / "2026-05" (the report's year when the text gives none).
"""

from __future__ import annotations

import re

_DATE_PATTERNS = (
    # ngày 22 tháng 12 năm 2024
    re.compile(r"(?<![\w/])(?:ngay\s+)?(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4})"),
    # 10/3/2026, 30-03-2026, ngày 10/3/2026
    re.compile(r"(?<![\w/])(?:ngay\s+)?(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?![\d/])"),
    # ngày 15/4, sáng 7.11, chiều 9-1 (the year from context; news write "." and "-" too)
    re.compile(r"(?<![\w/])(?:ngay|tu|den|toi|sang|chieu|trua|hom|dem|dip)\s+(?:ngay\s+)?(?P<d>\d{1,2})\s*/\s*"
               r"(?P<m>\d{1,2})(?![\d/])"),
    re.compile(r"(?<![\w/])(?:ngay|sang|chieu|toi|trua|hom|dem)\s+(?:ngay\s+)?(?P<d>\d{1,2})\s*[.-]\s*"
               r"(?P<m>\d{1,2})(?![\d/.-])"),
    # tháng 5/2026, tháng 5 năm 2026
    re.compile(r"(?<![\w/])thang\s+(?P<m>\d{1,2})\s*(?:/|nam)\s*(?P<y>\d{4})(?![\d/])"),
)
_DATE_AFTER_REF_RE = re.compile(
    r"\s*,?\s*ngay\s+(?:(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})|"
    r"(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s+nam\s+(?P<y2>\d{4}))")


def _iso(m: re.Match[str], year: int | None) -> str | None:
    g = m.groupdict()
    d = g.get("d") or g.get("d2")
    mo = g.get("m") or g.get("m2")
    y = g.get("y") or g.get("y2")
    try:
        month = int(mo) if mo else None
        day = int(d) if d else None
        yr = int(y) if y else year
    except ValueError:
        return None
    if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if yr is None:
        return f"????-{month:02d}-{day:02d}" if day else None
    if not 1900 <= yr <= 2100:
        return None
    return f"{yr:04d}-{month:02d}-{day:02d}" if day else f"{yr:04d}-{month:02d}"


def _year_of(period: str | None) -> int | None:
    if period and re.match(r"\d{4}", period):
        # a range "2025-01..2026-06": dates without a year belong to its last year
        return int(period.rsplit("..", 1)[-1][:4])
    return None
