"""Vietnamese number formatting: decimal comma, dot thousands ("84,54%", "10.000", "1.234,5")."""

from __future__ import annotations

import math

PERCENT_MEASURES = frozenset({"%", "phần trăm"})


def number(value: float | int | None, decimals: int | None = None) -> str:
    """`10000` -> "10.000", `84.54` -> "84,54", `2.0` -> "2"; `decimals` fixes the decimals.

    Without `decimals`, up to 2 decimals are shown and trailing zeros dropped.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if decimals is None:
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{float(value):,.{decimals}f}"
    if text in ("-0", "-0.00"):
        text = text[1:]
    # Python writes "1,234.5": swap the separators.
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, decimals: int = 1) -> str:
    """A share in [0, 1] as a Vietnamese percentage: 0.9649 -> "96,5%", 1.0 -> "100%"."""
    if share is None:
        return "–"
    return f"{_trim(number(share * 100, decimals))}%"


def value_with_measure(value: float | None, measure: str | None) -> str:
    """"84,54%" for percentages, "10.000 hồ sơ" for counts, the bare number without a measure."""
    if value is None:
        return "–"
    if (measure or "") in PERCENT_MEASURES:
        return f"{number(value)}%"
    return f"{number(value)} {measure}".strip() if measure else number(value)


def megabytes(n_bytes: int | float, decimals: int = 1) -> str:
    """1_572_864 -> "1,5 MB", 52_428_800 -> "50 MB"."""
    return f"{_trim(number(n_bytes / 1_048_576, decimals))} MB"


def _trim(text: str) -> str:
    """"100,0" -> "100", "96,50" -> "96,5"."""
    return text.rstrip("0").rstrip(",") if "," in text else text


def seconds(ms: float | None) -> str:
    """Milliseconds as seconds: 1234 -> "1,2 giây"; below 100 ms -> "dưới 0,1 giây"."""
    if ms is None:
        return ""
    if ms < 100:
        return "dưới 0,1 giây"
    return f"{number(ms / 1000, 1)} giây"
