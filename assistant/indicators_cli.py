"""`python -m assistant indicators [--key KEY] [--unit UNIT]`: print the extracted indicators table."""

from __future__ import annotations

import logging
from typing import Any

from rich.console import Console
from rich.table import Table

from ingest.numbers import format_number
from ingest.taxonomy import load_taxonomy
from ingest.text import fold

log = logging.getLogger(__name__)


def _matches_unit(unit: str | None, wanted: str) -> bool:
    return bool(unit) and fold(unit).strip() == fold(wanted).strip()


def print_indicators(store: Any, key: str | None = None, unit: str | None = None,
                     console: Console | None = None) -> int:
    """Print the indicators of the store as a rich table; returns the number of rows printed.

    `key` is a taxonomy key (exact) and `unit` a unit name (accents and case optional, with or
    without "phường"/"xã").
    """
    console = console or Console()
    tax = load_taxonomy()
    if key and key not in tax.by_key:
        console.print(f"[red]Không có chỉ tiêu '{key}'.[/red] Các khóa hợp lệ: " + ", ".join(sorted(tax.by_key)))
        return 0
    rows = store.query_indicators(key=key)
    if unit:
        wanted = fold(unit).strip()
        for prefix in ("phuong ", "xa ", "thi tran ", "p. ", "p."):
            if wanted.startswith(prefix):
                wanted = wanted[len(prefix):].strip()
        rows = [r for r in rows if _matches_unit(r.unit, wanted)]
    if not rows:
        console.print("Không có chỉ tiêu nào phù hợp" + (f" với khóa '{key}'" if key else "")
                      + (f" của đơn vị '{unit}'" if unit else "") + ".")
        return 0
    title = f"Bảng chỉ tiêu ({len(rows)} dòng)"
    if key and key in tax.by_key:
        title += f": {tax.by_key[key].name}"
    table = Table(title=title, show_lines=False)
    table.add_column("Đơn vị", no_wrap=True)
    table.add_column("Kỳ", no_wrap=True)
    table.add_column("Chỉ tiêu", no_wrap=True)
    table.add_column("Giá trị", justify="right", no_wrap=True)
    table.add_column("Ghi chú", no_wrap=True)
    table.add_column("Nhãn trong báo cáo", overflow="fold", ratio=1)
    table.add_column("Đoạn", no_wrap=True)
    for r in rows:
        value = (f"{format_number(r.numerator)}/{format_number(r.denominator)}"
                 if r.numerator is not None and r.denominator is not None else format_number(r.value))
        if r.measure and r.measure != "%":
            value += f" {r.measure}"
        elif r.measure == "%":
            value += "%"
        table.add_row(r.unit or r.doc_id, r.period or "", r.key, value, r.qualifier or "", r.label[:80],
                      r.paragraph_id.rsplit(":", 1)[-1])
    console.print(table)
    return len(rows)
