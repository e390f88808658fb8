"""How a unit is named in prose: one home for "phường Trí Quả" / "Phường Trí Quả".

The words for a period code are `ingest.periods.period_phrase`.
"""

from __future__ import annotations

UNKNOWN_UNIT = "đơn vị không rõ"


def unit_label(unit: str | None, unit_type: str | None, *, capitalize: bool = False,
               unknown: str = UNKNOWN_UNIT) -> str:
    """"phường Trí Quả" (the type word first when known; "Phường Trí Quả" with `capitalize`, for a table
    cell or the start of a sentence); the bare name without a type; `unknown` without a name."""
    if not unit:
        return unknown
    if not unit_type:
        return str(unit)
    kind = str(unit_type).capitalize() if capitalize else str(unit_type)
    return f"{kind} {unit}"
