"""A unit with several monthly reports: the asked period's report is read, else the latest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.services import build_services
from index.settings import EmbedSettings, Settings

TEMPLATE = """Số: {n}/BC-UBND

Hòa Bình, ngày 05 tháng {next} năm 2026

BÁO CÁO
Kết quả chuyển đổi số tháng {month} năm 2026

UBND phường Hòa Bình báo cáo kết quả chuyển đổi số tháng {month} năm 2026 như sau:

I. KẾT QUẢ THỰC HIỆN
1. Thủ tục hành chính
- Tiếp nhận trực tuyến: {online} hồ sơ, đạt {rate}%
- Số hồ sơ đã giải quyết: {done} hồ sơ
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("periods")
    corpus = root / "corpus"
    corpus.mkdir()
    for month, online, rate, done in ((3, 410, "81,5", 500), (4, 432, "88,2", 515), (5, 468, "90,4", 530)):
        text = TEMPLATE.format(n=100 + month, next=month + 1, month=month, online=online, rate=rate, done=done)
        (corpus / f"hoa_binh_2026_{month:02d}.txt").write_text(text, encoding="utf-8")
    svc = build_services(Settings(RAG_STORE=str(root / "store"), embed=EmbedSettings(EMBED_MODEL="none")))
    svc.ingestor.ingest_paths([Path(corpus)])
    yield svc
    svc.close()


def test_the_asked_month_is_read(services) -> None:
    a = services.answerer.ask("Phường Hòa Bình giải quyết bao nhiêu hồ sơ tháng 4/2026?")
    assert a.answer.startswith("515 hồ sơ")
    assert a.citations[0].doc_id == "hoa_binh_2026_04"


def test_without_a_period_the_latest_report_answers(services) -> None:
    a = services.answerer.ask("Tỷ lệ tiếp nhận hồ sơ trực tuyến của phường Hòa Bình?")
    assert a.answer.startswith("90,4%")
    assert "tháng 5 năm 2026" in a.answer


def test_a_quarter_reads_its_months(services) -> None:
    # The March report is the only one inside quý I.
    a = services.answerer.ask("Phường Hòa Bình tiếp nhận trực tuyến bao nhiêu hồ sơ trong quý I/2026?")
    assert a.answer.startswith("410 hồ sơ")
