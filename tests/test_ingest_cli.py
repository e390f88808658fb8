"""Incremental, crash-consistent ingestion and the `python -m ingest` CLI contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.services import build_services
from index.settings import EmbedSettings, Settings
from tests.ingest_fixtures import copy_reports

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
KEYS = ["doc_id", "unit", "unit_type", "province", "period", "report_number", "signer", "sections", "paragraphs",
        "chunks", "indicators", "warnings"]
TRI_QUA = "001_8f9fde24fc816415"
DUONG_HUU = "003_47472d43401efc50"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_reports(tmp_path / "reports", (TRI_QUA, DUONG_HUU))


def make_services(store: Path):
    return build_services(Settings(embed=EmbedSettings(EMBED_MODEL="none")).with_store(store))


def texts(svc, query: str, k: int = 5) -> str:
    return "\n".join(p.text for p in svc.retriever.retrieve(query, k=k))


def test_incremental_unchanged_changed_removed(tmp_path: Path, corpus: Path) -> None:
    svc = make_services(tmp_path / "store")
    first = svc.ingestor.ingest_paths([corpus])
    assert [(r.doc_id, r.status) for r in first] == [(TRI_QUA, "ingested"), (DUONG_HUU, "ingested")]
    gen = svc.store.generation()
    old_hash = svc.store.manifest_hash(TRI_QUA)
    lexical_version = (tmp_path / "store" / "lexical" / "CURRENT").read_text()

    again = svc.ingestor.ingest_paths([corpus])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert [r.summary for r in again] == [r.summary for r in first]
    assert svc.store.generation() == gen
    assert (tmp_path / "store" / "lexical" / "CURRENT").read_text() == lexical_version

    # change one file: a sentence replaced -> all of its chunks, terms and indicators are replaced
    path = corpus / f"{TRI_QUA}.txt"
    old_text = path.read_text(encoding="utf-8")
    assert "đã đăng tải được 78 tin, bài" in old_text
    path.write_text(old_text.replace("đã đăng tải được 78 tin, bài", "đã đăng tải được 91 tin, bài về thổ cẩm"),
                    encoding="utf-8")
    changed = svc.ingestor.ingest_paths([corpus])
    assert [r.status for r in changed] == ["ingested", "unchanged"]
    assert all("78 tin, bài" not in c.text for c in svc.store.iter_chunks())
    assert "91 tin, bài về thổ cẩm" in texts(svc, "thổ cẩm")
    assert "78 tin, bài" not in texts(svc, "Cổng thông tin điện tử phường Trí Quả đăng bao nhiêu tin bài", k=20)
    assert svc.store.manifest_hash(TRI_QUA) != old_hash and svc.store.generation() == gen + 1
    assert {c.doc_id for c in svc.store.iter_chunks()} == {TRI_QUA, DUONG_HUU}
    # a reader opened before the change refreshes from the store generation
    reader = make_services(tmp_path / "store")
    assert "thổ cẩm" in texts(reader, "thổ cẩm")

    # remove everywhere
    assert svc.ingestor.remove(TRI_QUA) is True
    assert svc.store.get_report_meta(TRI_QUA) is None
    assert all(c.doc_id == DUONG_HUU for c in svc.store.iter_chunks())
    assert svc.store.query_indicators(doc_id=TRI_QUA) == []
    assert "thổ cẩm" not in texts(svc, "thổ cẩm")
    assert "thổ cẩm" not in texts(reader, "thổ cẩm")
    assert svc.ingestor.remove(TRI_QUA) is False
    svc.close()
    reader.close()


def test_crash_mid_file_keeps_previous_state(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = make_services(tmp_path / "store")
    svc.ingestor.ingest_paths([corpus])
    before = [(c.id, c.text) for c in svc.store.iter_chunks()]
    path = corpus / f"{TRI_QUA}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("78 tin, bài", "79 tin, bài"), encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("mất điện")

    # the crash happens after parsing/chunking/analysis, inside the write
    monkeypatch.setattr(svc.store, "replace_report", boom)
    res = svc.ingestor.ingest_paths([corpus])
    assert res[0].status == "failed" and TRI_QUA in res[0].error and "mất điện" in res[0].error
    assert [(c.id, c.text) for c in svc.store.iter_chunks()] == before
    assert "78 tin, bài" in texts(svc, "Cổng thông tin điện tử phường Trí Quả đăng bao nhiêu tin bài")
    monkeypatch.undo()
    # next run picks the change up (the manifest still has the old hash)
    res = svc.ingestor.ingest_paths([corpus])
    assert [r.status for r in res] == ["ingested", "unchanged"]
    assert "79 tin, bài" in texts(svc, "Cổng thông tin điện tử phường Trí Quả đăng bao nhiêu tin bài")
    svc.close()


def run_cli(*args: str, store: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EMBED_MODEL": "none", "PYTHONPATH": str(ROOT)}
    env.pop("RAG_STORE", None)
    return subprocess.run([sys.executable, "-m", "ingest", *args, "--store", str(store)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_json_incremental_remove_and_errors(tmp_path: Path, corpus: Path) -> None:
    store = tmp_path / "store"
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "broken.pdf").write_bytes(b"\x00\x01\x02 not a pdf")
    p = run_cli(str(corpus), "--json", store=store)
    assert p.returncode == 1, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert [d["doc_id"] for d in lines] == [TRI_QUA, DUONG_HUU]
    assert all(list(d) == KEYS for d in lines)
    tq = lines[0]
    assert (tq["unit"], tq["unit_type"], tq["province"], tq["period"], tq["report_number"], tq["signer"]) == (
        "Trí Quả", "phường", "Bắc Ninh", "2026-05", "103/BC-UBND", "Nguyễn Chính Bảo")
    assert tq["chunks"] > 0 and tq["paragraphs"] > 0
    errors = [line for line in p.stderr.splitlines() if "broken.pdf" in line or "empty.txt" in line]
    assert len(errors) == 2, p.stderr

    (corpus / "empty.txt").unlink()
    (corpus / "broken.pdf").unlink()
    again = run_cli(str(corpus), "--json", store=store)
    assert again.returncode == 0, again.stderr
    assert [json.loads(line) for line in again.stdout.splitlines()] == lines  # unchanged files still print

    rm = run_cli("--remove", TRI_QUA, store=store)
    assert rm.returncode == 0 and TRI_QUA in rm.stdout
    svc = make_services(store)
    assert [r["doc_id"] for r in svc.store.list_reports()] == [DUONG_HUU]
    svc.close()
    assert run_cli("--remove", TRI_QUA, store=store).returncode == 1

    table = run_cli(str(corpus), store=store)
    assert table.returncode == 0
    assert "Trí Quả" in table.stdout and "Dương Hưu" in table.stdout and "không đổi" in table.stdout


def test_cli_default_path_and_rag_store_env(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "data" / "reports").mkdir(parents=True)
    shutil.copy(REPORTS / f"{DUONG_HUU}.txt", work / "data" / "reports")
    env = {**os.environ, "EMBED_MODEL": "none", "PYTHONPATH": str(ROOT), "RAG_STORE": str(tmp_path / "envstore")}
    p = subprocess.run([sys.executable, "-m", "ingest", "--json"], cwd=work, env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["unit"] == "Dương Hưu"
    assert (tmp_path / "envstore" / "reports.sqlite").exists()


def test_same_doc_id_twice_in_a_batch_is_refused(tmp_path: Path, corpus: Path) -> None:
    (corpus / "sub").mkdir()
    # another text under the same name (the same text would be a duplicate, stored once)
    (corpus / "sub" / f"{DUONG_HUU}.md").write_text(
        (corpus / f"{DUONG_HUU}.txt").read_text(encoding="utf-8") + "\nPhụ lục.\n", encoding="utf-8")
    svc = make_services(tmp_path / "store")
    res = svc.ingestor.ingest_paths([corpus])
    assert sorted(r.status for r in res) == ["failed", "ingested", "ingested"]
    failed = next(r for r in res if r.status == "failed")
    assert DUONG_HUU in failed.error and "trùng mã báo cáo" in failed.error
    svc.close()


def test_cli_names_every_file_it_does_not_ingest(tmp_path: Path, corpus: Path) -> None:
    for name in ("cu.doc", "bang.xls", "thu.rtf", "ban.odt", "anh.jpg"):
        (corpus / name).write_bytes(b"\xd0\xcf\x11\xe0 old office bytes")
    for name in (".DS_Store", "~$bao cao.docx", "Thumbs.db"):
        (corpus / name).write_bytes(b"\x00junk")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    p = run_cli(str(corpus), "--json", store=tmp_path / "store")
    assert p.returncode == 1, p.stderr
    assert [json.loads(line)["doc_id"] for line in p.stdout.splitlines()] == [TRI_QUA, DUONG_HUU]
    lines = [ln for ln in p.stderr.splitlines() if not ln.startswith("WARNING")]
    assert lines == [
        f"{corpus / '.DS_Store'}: bỏ qua tệp ẩn hoặc tệp tạm (không phải báo cáo)",
        f"{corpus / 'Thumbs.db'}: bỏ qua tệp ẩn hoặc tệp tạm (không phải báo cáo)",
        f"{corpus / 'anh.jpg'}: không nạp — ảnh (bản chụp/quét) không có chữ để đọc; cần OCR, hoặc gửi bản "
        ".docx/.pdf có lớp văn bản",
        f"{corpus / 'ban.odt'}: không nạp — văn bản OpenDocument (.odt) chưa đọc được; hãy mở bằng LibreOffice "
        "và lưu lại dưới dạng .docx",
        f"{corpus / 'bang.xls'}: không nạp — bảng tính Excel 97-2003 (.xls) chưa đọc được; hãy mở bằng Excel "
        "hoặc LibreOffice và lưu lại dưới dạng .xlsx",
        f"{corpus / 'cu.doc'}: không nạp — tài liệu Word 97-2003 (.doc) chưa đọc được; hãy mở bằng Word hoặc "
        "LibreOffice và lưu lại dưới dạng .docx",
        f"{corpus / 'thu.rtf'}: không nạp — định dạng RTF chưa đọc được; hãy mở bằng Word hoặc LibreOffice và "
        "lưu lại dưới dạng .docx",
        f"{corpus / '~$bao cao.docx'}: bỏ qua tệp ẩn hoặc tệp tạm (không phải báo cáo)",
    ]
    table = run_cli(str(corpus), store=tmp_path / "store")
    assert table.returncode == 1
    assert "Đã nạp 0, không đổi 2, lỗi 0, định dạng không đọc được 5, tệp ẩn/tạm bỏ qua 3." in table.stdout
    # hidden and temporary files alone do not fail a batch
    for name in ("cu.doc", "bang.xls", "thu.rtf", "ban.odt", "anh.jpg"):
        (corpus / name).unlink()
    assert run_cli(str(corpus), "--json", store=tmp_path / "store").returncode == 0


def test_same_content_under_another_name_is_stored_once(tmp_path: Path, corpus: Path) -> None:
    original = corpus / f"{TRI_QUA}.txt"
    shutil.copy(original, corpus / "bao cao (1).txt")  # sorts before the original
    p = run_cli(str(corpus), "--json", store=tmp_path / "store")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert [d["doc_id"] for d in lines] == [TRI_QUA, DUONG_HUU]
    assert lines[0]["warnings"][-1] == "tệp bao cao (1).txt trùng nội dung với báo cáo này; không nạp bản sao"
    assert (f"{corpus / 'bao cao (1).txt'}: trùng nội dung với báo cáo '{TRI_QUA}' ({TRI_QUA}.txt); chỉ giữ một "
            "bản, không nạp tệp này") in p.stderr.splitlines()
    svc = make_services(tmp_path / "store")
    assert [r["doc_id"] for r in svc.store.list_reports()] == [TRI_QUA, DUONG_HUU]
    assert len({c.text for c in svc.store.iter_chunks()}) == svc.store.count_chunks()
    # later: a copy arrives alone, or the kept report is unchanged -> still one report
    res = svc.ingestor.ingest_paths([corpus / "bao cao (1).txt"])
    assert [(r.status, r.doc_id) for r in res] == [("duplicate", "bao cao (1)")]
    assert [r["doc_id"] for r in svc.store.list_reports()] == [TRI_QUA, DUONG_HUU]
    svc.close()


def test_a_copy_stored_before_is_removed_when_seen_as_a_duplicate(tmp_path: Path, corpus: Path) -> None:
    svc = make_services(tmp_path / "store")
    copy = corpus / "bao cao (1).txt"
    copy.write_text("Báo cáo khác.\nUBND xã Dương Hưu.\n", encoding="utf-8")
    svc.ingestor.ingest_paths([corpus])
    assert "bao cao (1)" in [r["doc_id"] for r in svc.store.list_reports()]
    shutil.copy(corpus / f"{TRI_QUA}.txt", copy)  # the copy now holds the same bytes as a kept report
    res = {r.doc_id: r for r in svc.ingestor.ingest_paths([corpus])}
    assert res["bao cao (1)"].status == "duplicate"
    assert res["bao cao (1)"].warnings[-1] == f"{copy}: đã xoá bản sao 'bao cao (1)' nạp trước đây khỏi kho"
    assert [r["doc_id"] for r in svc.store.list_reports()] == [TRI_QUA, DUONG_HUU]
    assert "Báo cáo khác" not in texts(svc, "Báo cáo khác", k=20)
    svc.close()
