"""Reporting periods: one home for period codes, reading them from reports and questions, saying them.

Codes (the form of `Report.period` and of every filter): "2026-04" (month), "2026-Q1" (quarter),
"2026-H1"/"2026-H2" (half year), "2026" (year), and for spans that are not a calendar unit a range
"YYYY-MM..YYYY-MM" ending at the report month, e.g. "sơ kết 01 năm 06 tháng" in a June 2026 report ->
"2025-01..2026-06" (18 months).

- `period_bounds` / `period_overlaps` / `period_end`: the months a code covers, for filtering and sorting;
- `period_phrase`: the Vietnamese words for a code ("2026-Q1" -> "quý I năm 2026");
- `find_period`: the reporting-period phrase of a report's title or intro (accented report text);
- `parse_periods`: the periods a question names (accented or not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.numbers import roman_to_int
from ingest.text import fold

# --------------------------------------------------------------------------- period codes
_RANGE_CODE = re.compile(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})")
_MONTH_CODE = re.compile(r"(\d{4})-(\d{2})")
_QUARTER_CODE = re.compile(r"(\d{4})-Q([1-4])")
_HALF_CODE = re.compile(r"(\d{4})-H([12])")
_YEAR_CODE = re.compile(r"\d{4}")
_ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


@lru_cache(maxsize=4096)
def period_bounds(period: str | None) -> tuple[str, str] | None:
    """First and last month ("YYYY-MM") covered by a period label; None when unknown."""
    if not period:
        return None
    p = period.strip()
    if m := _RANGE_CODE.fullmatch(p):
        return _ym(int(m[1]), int(m[2])), _ym(int(m[3]), int(m[4]))
    if m := _MONTH_CODE.fullmatch(p):
        return p, p
    if m := _QUARTER_CODE.fullmatch(p):
        q = int(m[2])
        return _ym(int(m[1]), 3 * q - 2), _ym(int(m[1]), 3 * q)
    if m := _HALF_CODE.fullmatch(p):
        h = int(m[2])
        return _ym(int(m[1]), 6 * h - 5), _ym(int(m[1]), 6 * h)
    if _YEAR_CODE.fullmatch(p):
        return f"{p}-01", f"{p}-12"
    return None


def period_overlaps(a: str | None, b: str | None) -> bool:
    """True when two period labels share at least one month ("2026" overlaps "2025-01..2026-06")."""
    ba, bb = period_bounds(a), period_bounds(b)
    if ba is None or bb is None:
        return False
    return ba[0] <= bb[1] and bb[0] <= ba[1]


def period_end(period: str | None) -> tuple[int, int] | None:
    """(year, month) of the last month a period code covers ("2026-Q1" -> (2026, 3)); None when unknown."""
    bounds = period_bounds(period)
    if bounds is None:
        return None
    return int(bounds[1][:4]), int(bounds[1][5:7])


def period_phrase(period: str | None) -> str | None:
    """Human Vietnamese form of a period code ("2026-Q1" -> "quý I năm 2026"); other text unchanged."""
    if not period:
        return None
    if m := _MONTH_CODE.fullmatch(period):
        return f"tháng {int(m.group(2))} năm {m.group(1)}"
    if m := _QUARTER_CODE.fullmatch(period):
        return f"quý {_ROMAN_QUARTERS[int(m.group(2))]} năm {m.group(1)}"
    if m := _HALF_CODE.fullmatch(period):
        return f"6 tháng {'đầu' if m.group(2) == '1' else 'cuối'} năm {m.group(1)}"
    if _YEAR_CODE.fullmatch(period):
        return f"năm {period}"
    if m := _RANGE_CODE.fullmatch(period):
        return f"tháng {int(m.group(2))} năm {m.group(1)} – tháng {int(m.group(4))} năm {m.group(3)}"
    return period


# --------------------------------------------------------------------------- periods named in reports


_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUM_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "chín": 9, "mười": 10}
_P_RANGE = re.compile(
    r"(?:sơ\s+kết|tổng\s+kết|qua|sau)\s+(\d{1,2}(?:[.,]5)?|một|hai|ba)\s+năm(?:\s+(\d{1,2}|sáu)\s+tháng)?",
    re.I)
_P_NMONTHS = re.compile(r"(\d{1,2}|sáu|chín|ba)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+|\s*/\s*)(\d{4})", re.I)
# "6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2026": the year written once, after both.
_P_NMONTHS_BARE = re.compile(r"(\d{1,2}|sáu|chín|ba)\s+tháng\s+(đầu|cuối)\s+năm\b(?!\s*(?:/\s*)?\d)", re.I)
_P_QUARTER = re.compile(r"\bquý\s+(IV|I{1,3}|[1-4])\b(?:\s*(?:năm\s+|/\s*)(\d{4}))?", re.I)
_P_MONTH = re.compile(r"\btháng\s+(\d{1,2})(?:\s+năm\s+|\s*/\s*)(\d{4})", re.I)
_P_MONTH_BARE = re.compile(r"\btháng\s+(\d{1,2})\b(?!\s*(?:năm\s+|/\s*)\d)", re.I)
_P_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.I)
_DATE_BEFORE = re.compile(r"ngày\s*\d{0,2}\s*$", re.I)


@dataclass(slots=True)
class PeriodHit:
    """A period phrase found in a report: where it starts, its code and the phrase as written."""

    start: int
    period: str  # the code: "2026-04", "2026-Q1", ...
    label: str  # the phrase: "tháng 4 năm 2026"


def _num(word: str) -> float:
    w = word.lower().replace(",", ".")
    return float(_NUM_WORDS[w]) if w in _NUM_WORDS else float(w)


def find_period(text: str, ref_year: int | None, ref_month: int | None) -> PeriodHit | None:
    """Earliest reporting-period phrase in `text` (a title or an intro sentence)."""
    hits: list[PeriodHit] = []
    for m in _P_RANGE.finditer(text):
        months = round(_num(m[1]) * 12) + (int(_num(m[2])) if m[2] else 0)
        if months < 12 or ref_year is None:
            continue
        ey, em = ref_year, ref_month or 12
        sy, sm = _shift(ey, em, -(months - 1))
        hits.append(PeriodHit(m.start(), f"{_ym(sy, sm)}..{_ym(ey, em)}", m[0]))
    for m in _P_NMONTHS.finditer(text):
        n, year = int(_num(m[1])), int(m[3])
        first = m[2].lower() == "đầu"
        if n == 6:
            period = f"{year}-H{1 if first else 2}"
        elif n == 3:
            period = f"{year}-Q{1 if first else 4}"
        elif 1 <= n <= 12:
            period = f"{_ym(year, 1)}..{_ym(year, n)}" if first else f"{_ym(year, 13 - n)}..{_ym(year, 12)}"
        else:
            continue
        hits.append(PeriodHit(m.start(), period, m[0]))
    for m in _P_NMONTHS_BARE.finditer(text):
        ym = _P_YEAR.search(text, m.end())
        year = int(ym[1]) if ym else ref_year
        n = int(_num(m[1]))
        if year and n in (3, 6):
            first = m[2].lower() == "đầu"
            label = f"{year}-H{1 if first else 2}" if n == 6 else f"{year}-Q{1 if first else 4}"
            hits.append(PeriodHit(m.start(), label, m[0]))
    for m in _P_QUARTER.finditer(text):
        year = int(m[2]) if m[2] else ref_year
        if year is None:
            continue
        hits.append(PeriodHit(m.start(), f"{year}-Q{_QUARTER[m[1].upper()]}", m[0]))
    for m in _P_MONTH.finditer(text):
        if _DATE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue  # "ngày 18 tháng 5 năm 2026" is a date, not a period
        month = int(m[1])
        if 1 <= month <= 12:
            hits.append(PeriodHit(m.start(), _ym(int(m[2]), month), m[0]))
    for m in _P_MONTH_BARE.finditer(text):
        # "tháng 4 và nhiệm vụ tháng 5 năm 2026": the year comes later in the phrase or from the date
        if _DATE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        month = int(m[1])
        ym = _P_YEAR.search(text, m.end())
        year = int(ym[1]) if ym else ref_year
        if 1 <= month <= 12 and year:
            hits.append(PeriodHit(m.start(), _ym(year, month), m[0]))
    if hits:
        # the earliest phrase wins; a longer phrase starting at the same place beats a shorter one
        hits.sort(key=lambda h: (h.start, -len(h.label)))
        # "6 tháng đầu năm 2026" and "tháng ... năm" overlap: drop hits inside an earlier one
        return hits[0]
    for m in _P_YEAR.finditer(text):
        if _DATE_BEFORE.search(text[max(0, m.start() - 30):m.start()]) or re.search(
                r"tháng\s*\d{0,2}\s*$", text[max(0, m.start() - 12):m.start()]):
            continue
        return PeriodHit(m.start(), m[1], m[0])
    return None


# --------------------------------------------------------------------------- periods named in questions
def _question_key(text: str) -> str:
    """Folded, punctuation as spaces, single-spaced, padded (word boundaries are spaces)."""
    return " " + " ".join(re.sub(r"[^\w/]+", " ", fold(text)).split()) + " "


def parse_periods(question: str) -> list[str]:
    """Period codes a question names, accented or not ("quy 1 nam 2026" -> ["2026-Q1"]); a quarter
    needs its year, a bare "năm 2026" counts only when no finer period of that year is named."""
    q = _question_key(question)
    out: list[str] = []

    def add(p: str) -> None:
        if p not in out:
            out.append(p)

    for m in re.finditer(r" thang (\d{1,2})(?:/| nam )(\d{4}) ", q):
        month = int(m.group(1))
        if 1 <= month <= 12:
            add(f"{m.group(2)}-{month:02d}")
    for m in re.finditer(r" quy (i{1,3}|iv|[1-4])(?:/| nam | )?(\d{4})? ", q):
        g = m.group(1)
        n = int(g) if g.isdigit() else roman_to_int(g)
        if m.group(2):
            add(f"{m.group(2)}-Q{n}")
    for m in re.finditer(r" (?:6 thang dau nam|6 thang nam|nua dau nam) (\d{4}) ", q):
        add(f"{m.group(1)}-H1")
    for m in re.finditer(r" nam (\d{4}) ", q):
        if not any(p.startswith(m.group(1)) for p in out):
            add(m.group(1))
    return out
