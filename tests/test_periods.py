"""ingest.periods and ingest.labels: period codes said in Vietnamese, their last month, unit labels; roman numerals."""

from __future__ import annotations

import pytest

from ingest.numbers import roman_to_int
from ingest.periods import period_end, period_phrase


@pytest.mark.parametrize(("code", "phrase"), [
    ("2026-04", "tháng 4 năm 2026"), ("2026-Q1", "quý I năm 2026"), ("2026-Q4", "quý IV năm 2026"),
    ("2026-H1", "6 tháng đầu năm 2026"), ("2025-H2", "6 tháng cuối năm 2025"), ("2026", "năm 2026"),
    ("2025-01..2026-06", "tháng 1 năm 2025 – tháng 6 năm 2026"), ("không rõ", "không rõ"), (None, None)])
def test_period_phrase(code: str | None, phrase: str | None) -> None:
    assert period_phrase(code) == phrase


def test_period_end() -> None:
    assert period_end("2026-Q2") == (2026, 6)
    assert period_end("2025-01..2026-06") == (2026, 6)
    assert period_end("2026") == (2026, 12)
    assert period_end("sơ kết") is None and period_end(None) is None


def test_roman_to_int() -> None:
    assert [roman_to_int(s) for s in ("I", "iv", "IX", "XII", "")] == [1, 4, 9, 12, None]
    assert roman_to_int("ABC") is None


def test_unit_label() -> None:
    from ingest.labels import unit_label

    assert unit_label("Trí Quả", "phường") == "phường Trí Quả"
    assert unit_label("Trí Quả", "thị trấn", capitalize=True) == "Thị trấn Trí Quả"
    assert unit_label("Trí Quả", None) == "Trí Quả"
    assert unit_label(None, "xã") == "đơn vị không rõ"
    assert unit_label("", "xã", unknown="001_abc") == "001_abc"
