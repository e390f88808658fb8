"""The app's backend (webapp/) against real services on a temporary store, without a browser.

The concurrency test drives the same `AppBackend` methods the Gradio callbacks call: 8 chat
threads keep asking while one report is re-ingested back and forth between two versions with
different figures; every answer must come from one version, never a mix.
"""

from __future__ import annotations

import csv
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.models import Answer, Citation
from webapp.backend import REPORT_COLUMNS, AppBackend
from webapp.chat import ABSTAIN_NOTE, STOPPED_NOTE, ChatController
from webapp.citations import STALE_NOTE, build_citation_views
from webapp.conversation import Library
from webapp.render import escape_markdown, passage_html

REPORTS_DIR = Path(__file__).resolve().parent.parent / "data" / "reports"
SAMPLE_WARDS = ("Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành")
DIGITISED_Q = "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?"
RATE_Q = "Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?"


def ward_report(unit: str, online: str, digitised: str, received: str) -> str:
    """A small monthly report of a new ward, written like the real ones."""
    return (
        f"UBND PHƯỜNG {unit.upper()}\n"
        "Số: 15/BC-UBND\n"
        f"{unit}, ngày 10 tháng 5 năm 2026\n\n"
        "BÁO CÁO\n"
        "Kết quả thực hiện chuyển đổi số tháng 5 năm 2026\n\n"
        "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, "
        f"UBND phường {unit} báo cáo kết quả chuyển đổi số tháng 5 năm 2026 như sau:\n"
        "I. KẾT QUẢ THỰC HIỆN\n"
        "1. Công tác cải cách thủ tục hành chính\n"
        f"Trong kỳ báo cáo tiếp nhận {received} hồ sơ thủ tục hành chính.\n"
        f"Tỷ lệ hồ sơ trực tuyến đạt {online}.\n"
        f"Tỷ lệ số hóa hồ sơ đạt {digitised}.\n"
        "II. KIẾN NGHỊ, ĐỀ XUẤT\n"
        "Đề nghị UBND tỉnh hỗ trợ trang thiết bị cho bộ phận một cửa.\n"
    )


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gradio_cache")


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> AppBackend:
    from assistant.services import build_services
    from index.settings import EmbedSettings, Settings

    store = tmp_path_factory.mktemp("store")
    settings = Settings(store=store, embed=EmbedSettings(model="none"))
    b = AppBackend(settings, build_services(settings), upload_cache_dir=cache_dir)
    samples = sorted(REPORTS_DIR.glob("*.txt"))
    outcomes = b.ingest_uploads([(p, p.name) for p in samples])
    assert [o.ok for o in outcomes] == [True] * len(samples), [o.message for o in outcomes]
    return b


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# Reports and uploads
# ------------------------------------------------------------------------------------------------
def test_reports_table_names_units_and_files_not_ids(backend: AppBackend) -> None:
    rows = backend.reports_rows()
    assert len(rows[0]) == len(REPORT_COLUMNS) and REPORT_COLUMNS[0] == "Đơn vị"
    units = {r[0] for r in rows}
    assert {f"Phường {w}" for w in SAMPLE_WARDS} <= units
    files = {r[5] for r in rows}
    assert files == {p.name for p in REPORTS_DIR.glob("*.txt")}
    ids = set(backend.doc_ids())
    assert not any(str(cell) in ids for row in rows for cell in row)
    label = dict((d, lbl) for lbl, d in backend.report_choices())["001_8f9fde24fc816415"]
    assert re.fullmatch(r"Phường Trí Quả — tháng 5 năm 2026 — 001_8f9fde24fc816415\.txt \(nạp \d\d/\d\d/\d{4} "
                        r"\d\d:\d\d\)", label)


def test_upload_states_are_reported_per_file(backend: AppBackend, tmp_path: Path) -> None:
    good = _write(tmp_path / "Báo cáo Hòa Lạc Nam.txt", ward_report("Hòa Lạc Nam", "90%", "95%", "100"))
    exe = tmp_path / "a.exe"
    exe.write_bytes(b"MZ")
    states = list(backend.ingest_uploads_iter([(good, good.name), (exe, exe.name)]))
    assert [o.status for o in states[0]] == ["waiting", "waiting"]
    assert [o.status for o in states[1]] == ["running", "refused"]
    assert [o.status for o in states[-1]] == ["ingested", "refused"]
    assert re.fullmatch(r"Phường Hòa Lạc Nam, tháng 5 năm 2026 \(\d+ đoạn, \d+ chỉ tiêu\)\.( Lưu ý: .+)?",
                        states[-1][0].message)
    assert states[-1][1].message.startswith("a.exe: định dạng .exe không được hỗ trợ")
    rows = backend.upload_rows(states[-1])
    assert [(r.name, r.state, r.css) for r in rows] == [("Báo cáo Hòa Lạc Nam.txt", "Đã nạp", "ok"),
                                                         ("a.exe", "Từ chối", "err")]
    doc_id = states[-1][0].doc_id
    assert backend.file_names()[doc_id] == "Báo cáo Hòa Lạc Nam.txt"  # the uploaded name, not the staged one
    backend.remove_report(doc_id)


def test_same_name_twice_in_one_batch(backend: AppBackend, tmp_path: Path) -> None:
    a = _write(tmp_path / "a" / "trung_ten.txt", ward_report("Hòa Lạc Tây", "90%", "95%", "100"))
    b = _write(tmp_path / "b" / "trung_ten.txt", ward_report("Hòa Lạc Đông", "90%", "95%", "100"))
    out = backend.ingest_uploads([(a, a.name), (b, b.name)])
    assert [o.ok for o in out] == [True, False]
    assert out[1].message == "trung_ten.txt: trùng tên với một tệp khác trong lần tải lên này."
    backend.remove_report("trung_ten")


def test_failed_upload_messages_hide_server_paths(backend: AppBackend, tmp_path: Path) -> None:
    bad = tmp_path / "hỏng.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    big = tmp_path / "lớn.docx"
    with big.open("wb") as fh:
        fh.truncate(backend.max_bytes + 1)
    outcomes = backend.ingest_uploads([(bad, bad.name), (big, big.name)])
    assert [o.ok for o in outcomes] == [False, False]
    assert outcomes[0].message.startswith("hỏng.pdf: ")
    assert outcomes[1].message == "lớn.docx: tệp quá lớn (20 MB, giới hạn 20 MB)."
    for o in outcomes:
        assert str(backend.settings.store) not in o.message and "/uploads/" not in o.message, o.message
        assert str(tmp_path) not in o.message, o.message
    assert not any(backend.uploads_dir.glob("hong_*"))  # a refused file is not kept


def test_cached_upload_copy_is_deleted(backend: AppBackend, cache_dir: Path, tmp_path: Path) -> None:
    inside = _write(cache_dir / "abc123" / "bao_cao_cache.txt", ward_report("Cát Tiên", "91%", "99%", "12"))
    outside = _write(tmp_path / "bao_cao_ngoai.txt", ward_report("Cát Lái", "91%", "99%", "12"))
    out = backend.ingest_uploads([(inside, inside.name), (outside, outside.name)])
    assert [o.ok for o in out] == [True, True]
    assert not inside.exists() and not inside.parent.exists()
    assert outside.exists()  # only the web framework's own cache is cleaned
    for doc in ("bao_cao_cache", "bao_cao_ngoai"):
        backend.remove_report(doc)


def test_failed_reupload_keeps_the_previous_file(backend: AppBackend, tmp_path: Path) -> None:
    good = _write(tmp_path / "good" / "bao_cao_lap_lai.txt", ward_report("Phú Lâm Tây", "90,01%", "99%", "222"))
    assert backend.ingest_uploads([(good, good.name)])[0].ok
    broken = tmp_path / "broken" / "bao_cao_lap_lai.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    out = backend.ingest_uploads([(broken, broken.name)])
    assert [o.ok for o in out] == [False], out
    assert out[0].message.startswith("bao_cao_lap_lai.txt: ")
    assert (backend.uploads_dir / "bao_cao_lap_lai.txt").read_bytes() == good.read_bytes()
    assert not list(backend.uploads_dir.glob("*.bak"))
    assert "bao_cao_lap_lai" in backend.doc_ids()
    backend.remove_report("bao_cao_lap_lai")


def test_removal_says_what_goes_and_removes_it(backend: AppBackend, tmp_path: Path) -> None:
    path = _write(tmp_path / "Báo cáo tạm.txt", ward_report("Tân Hòa Đông", "91,23%", "99%", "321"))
    doc_id = backend.ingest_uploads([(path, path.name)])[0].doc_id
    staged = list(backend.uploads_dir.glob(f"{doc_id}.*"))
    assert staged
    what = backend.removal_summary(doc_id)
    assert what.startswith("Sẽ xóa báo cáo của Phường Tân Hòa Đông (kỳ tháng 5 năm 2026, số 15/BC-UBND, ngày "
                           "10/05/2026), tệp Báo cáo tạm.txt: ")
    assert "Tệp gốc đã tải lên cũng bị xóa. Không thể hoàn tác." in what
    assert backend.remove_report(doc_id) == "Đã xóa báo cáo Phường Tân Hòa Đông, tháng 5 năm 2026."
    assert doc_id not in backend.doc_ids() and not any(p.exists() for p in staged)
    assert backend.registry.get(doc_id) is None
    assert backend.removal_summary(doc_id) is None
    assert backend.remove_report(doc_id) == "Không còn báo cáo này trong kho (có thể đã bị xóa)."


def test_leftover_uploads_are_resumed(backend: AppBackend) -> None:
    """A crash after staging (file in uploads/, not in the store) is ingested at the next start."""
    up = backend.uploads_dir
    _write(up / "bao_cao_do_dang.txt", ward_report("Long Thạnh Mỹ", "88,88%", "97%", "777"))
    _write(up / ".bao_cao_khac.txt.part", "nửa chừng")
    backend.registry.set("bao_cao_do_dang", "Báo cáo dở dang.txt")
    out = backend.resume_leftovers()
    assert [(o.name, o.status) for o in out] == [("Báo cáo dở dang.txt", "ingested")]
    assert "bao_cao_do_dang" in backend.doc_ids()
    assert not (up / ".bao_cao_khac.txt.part").exists()
    assert backend.resume_leftovers() == []  # nothing left the second time
    backend.remove_report("bao_cao_do_dang")


# ------------------------------------------------------------------------------------------------
# Answers and citations
# ------------------------------------------------------------------------------------------------
def test_answer_with_citation_views(backend: AppBackend) -> None:
    answer = backend.ask(DIGITISED_Q)
    for ward in SAMPLE_WARDS:
        assert ward in answer.answer
    assert not any(n.startswith("Tìm kiếm chỉ dùng chỉ mục từ vựng") for n in answer.notes)
    views = backend.citation_views(answer, DIGITISED_Q)
    assert len(views) >= 4
    tri_qua = next(v for v in views if v.unit == "Phường Trí Quả")
    (pv,) = tri_qua.paragraphs
    assert pv.text[pv.mark[0]:pv.mark[1]] == "số hóa hồ sơ đạt 100%."
    assert tri_qua.snippet[1] == "số hóa hồ sơ đạt 100%."
    for v in views:
        assert any(p.mark is not None for p in v.paragraphs)
        assert "<mark>" in passage_html(v, 0)


def test_citation_highlight_from_the_answerer_wins(backend: AppBackend) -> None:
    answer = backend.ask(DIGITISED_Q)
    c = next(c for c in answer.citations if c.doc_id == "001_8f9fde24fc816415")
    start = c.text.index("Trực tuyến 465")
    c.highlight = (start, start + len("Trực tuyến 465 hồ sơ đạt 84.54%"))
    view = next(v for v in build_citation_views(answer, backend.store) if v.doc_id == c.doc_id)
    pv = view.paragraphs[0]
    assert pv.text[pv.mark[0]:pv.mark[1]] == "Trực tuyến 465 hồ sơ đạt 84.54%"


def test_citation_of_a_changed_report_shows_the_cited_passage(backend: AppBackend) -> None:
    answer = backend.ask(DIGITISED_Q)
    c = answer.citations[0]
    stale = Answer(question="q", answer=answer.answer, abstained=False, citations=[
        Citation(n=c.n, doc_id=c.doc_id, unit=c.unit, section=c.section, paragraph_ids=c.paragraph_ids,
                 text="Tỷ lệ số hóa hồ sơ đạt 12,34%.")])
    view = build_citation_views(stale, backend.store)[0]
    assert view.note == STALE_NOTE
    assert [p.text for p in view.paragraphs] == ["Tỷ lệ số hóa hồ sơ đạt 12,34%."]
    assert STALE_NOTE in passage_html(view, 0)


def test_filters_name_the_matching_reports(backend: AppBackend) -> None:
    assert backend.make_filters([], [], []) is None
    f = backend.make_filters(["Bắc Ninh"], [], [])
    assert f.provinces == ["Bắc Ninh"] and len(f.doc_ids) >= 2
    none = backend.make_filters(["Bắc Ninh"], ["Trung Thành"], [])  # Trung Thành is in Thái Nguyên
    assert none.doc_ids == []
    answer = backend.ask(DIGITISED_Q, filters=none)
    assert answer.abstained and answer.answer.startswith("Không có báo cáo nào khớp bộ lọc")
    chips, n_reports, n_match = backend.filter_chips(["Bắc Ninh"], [], ["2026-Q1"])
    assert chips == [("Tỉnh", "Bắc Ninh"), ("Kỳ báo cáo", "quý I năm 2026")]
    assert (n_reports, n_match) == (len(backend.doc_ids()), 1)


def test_province_filter_restricts_an_aggregate_answer(backend: AppBackend) -> None:
    answer = backend.ask(DIGITISED_Q, filters=backend.make_filters(["Thái Nguyên"], [], []))
    assert "Trung Thành" in answer.answer
    for ward in ("Phương Liễu", "Trí Quả", "Phù Liễn"):
        assert ward not in answer.answer


def test_chat_not_blocked_by_ingest_lock(backend: AppBackend) -> None:
    """Questions never wait for the ingest lock."""
    with backend._ingest_lock, ThreadPoolExecutor(1) as pool:
        answer = pool.submit(backend.ask, DIGITISED_Q).result(timeout=60)
    assert not answer.abstained


def _figures(text: str, figures: tuple[str, ...]) -> set[str]:
    return {f for f in figures if f in text}


def test_concurrent_chats_during_reingest_see_old_or_new_state(backend: AppBackend, tmp_path: Path) -> None:
    unit = "Vĩnh Khang"
    old = ("97,31%", "1.234")  # online rate, received (digitised: 100%)
    new = ("88,16%", "4.321", "96,42%")  # online rate, received, digitised
    v_old = _write(tmp_path / "old" / "bao_cao_vinh_khang.txt", ward_report(unit, "97,31%", "100%", "1.234"))
    v_new = _write(tmp_path / "new" / "bao_cao_vinh_khang.txt", ward_report(unit, "88,16%", "96,42%", "4.321"))
    first = backend.ingest_uploads([(v_old, v_old.name)])
    assert first[0].ok, first[0].message
    rate_q = f"Tỷ lệ hồ sơ trực tuyến của phường {unit} là bao nhiêu?"
    assert "97,31" in backend.ask(rate_q).answer

    done = threading.Event()
    answers: list[tuple[str, Answer]] = []
    errors: list[BaseException] = []

    def chat(i: int) -> None:
        q = rate_q if i % 2 else DIGITISED_Q
        try:
            while True:
                answers.append((q, backend.ask(q)))
                if done.is_set():
                    break
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=chat, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    swaps = []
    t0 = time.perf_counter()
    for k in range(4):
        src = v_new if k % 2 == 0 else v_old
        swaps.extend(backend.ingest_uploads([(src, src.name)]))
    ingest_s = time.perf_counter() - t0
    done.set()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert all(o.ok for o in swaps), [o.message for o in swaps]
    assert len(answers) >= 16, f"{len(answers)} answers during {ingest_s:.1f}s of ingest"
    states = {"old": 0, "new": 0}
    for q, a in answers:
        cited = " ".join(c.text for c in a.citations if c.doc_id == "bao_cao_vinh_khang")
        seen = a.answer + " " + cited
        got_old = _figures(seen, old) | ({"100%"} if "số hóa hồ sơ đạt 100%" in cited else set())
        got_new = _figures(seen, new)
        assert not (got_old and got_new), f"mixed state {got_old} + {got_new}: {a.answer!r} / {cited!r}"
        if q == rate_q:
            assert got_old or got_new, f"no figure of either version: {a.answer!r}"
            states["old" if got_old else "new"] += 1
        else:
            for ward in SAMPLE_WARDS:  # the untouched reports are always there
                assert ward in a.answer, a.answer
    assert states["new"] >= 1, states  # the chats really ran while the versions changed
    assert "97,31" in backend.ask(rate_q).answer  # the last swap put the old version back
    backend.remove_report("bao_cao_vinh_khang")


# ------------------------------------------------------------------------------------------------
# The chat controller (what the chat tab shows)
# ------------------------------------------------------------------------------------------------
def _ask(chat: ChatController, lib: Library, q: str, filters: dict | None = None) -> None:
    assert chat.start(lib, q, filters or {}) is not None
    assert list(chat.answer(lib))[-1] is None


def test_chat_turns_render_escaped_with_linked_markers(backend: AppBackend) -> None:
    chat, lib = ChatController(backend), Library()
    _ask(chat, lib, DIGITISED_Q)
    conv = chat.current(lib)
    msgs = chat.messages(conv)
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert "[\\[2\\]](#nguon-0-2)" in msgs[1]["content"]
    assert "⚠️" not in msgs[1]["content"] and "chỉ mục từ vựng" not in msgs[1]["content"]
    v = chat.view(conv)
    assert 'data-turn="0"' in v.panel_html and v.can_export and not v.refilter
    assert v.plain_text.startswith("Có 4 đơn vị báo cáo tỷ lệ số hóa hồ sơ đạt 100%:\n- Phường Phương Liễu")
    assert "\n\nNguồn:\n[1] Phường Phương Liễu — " in v.plain_text
    assert "[[" not in v.plain_text and "](#" not in v.plain_text and "\\" not in v.plain_text
    _ask(chat, lib, "Còn phường Phương Liễu thì sao?")  # a follow-up uses the hidden history
    assert conv.history() == [DIGITISED_Q, "Còn phường Phương Liễu thì sao?"]
    assert "#nguon-1-" in chat.messages(conv)[3]["content"] or conv.turns[1].answer["abstained"]
    assert 'data-turn="0"' in chat.panel(conv, 0)


def test_new_conversation_resets_history_and_sources(backend: AppBackend) -> None:
    chat, lib = ChatController(backend), Library()
    _ask(chat, lib, RATE_Q)
    old = chat.current(lib)
    fresh = chat.new_conversation(lib)
    assert fresh.id != old.id and fresh.turns == [] and fresh.history() == []
    v = chat.view(fresh)
    assert v.messages == [] and "Chưa có nguồn trích dẫn" in v.panel_html and v.plain_text == ""
    _ask(chat, lib, "Còn phường Phương Liễu thì sao?")
    assert "91,71" not in fresh.turns[0].answer["answer"]  # no follow-up on the old conversation
    assert [cid for _label, cid in lib.choices()] == [fresh.id, old.id]
    assert chat.open(lib, old.id) is old


def test_abstention_under_filters_says_so_and_offers_to_clear(backend: AppBackend) -> None:
    chat, lib = ChatController(backend), Library()
    _ask(chat, lib, RATE_Q, {"periods": ["2026-Q1"]})
    conv = chat.current(lib)
    assert conv.turns[0].answer["abstained"]
    notes = chat.notes(conv.turns[0])
    assert notes[0].act and notes[0].text.startswith("Câu hỏi được tìm trong phạm vi bộ lọc đang chọn "
                                                     "(Kỳ báo cáo: quý I năm 2026).")
    assert ABSTAIN_NOTE not in [n.text for n in notes]
    assert chat.view(conv).refilter
    _ask(chat, lib, RATE_Q)
    assert "84" in conv.turns[1].answer["answer"] and not chat.view(conv).refilter


def test_stop_keeps_the_partial_answer(backend: AppBackend) -> None:
    chat, lib = ChatController(backend), Library()
    conv = chat.start(lib, RATE_Q, {})
    assert chat.start(lib, "câu thứ hai", {}) is None  # one pending question at a time
    assert chat.stop(conv)
    assert conv.turns[0].stopped and escape_markdown(STOPPED_NOTE) in chat.messages(conv)[1]["content"]
    assert list(chat.answer(lib)) == [None]  # nothing pending any more
    assert conv.history() == []


def test_huge_question_is_stored_bounded(backend: AppBackend) -> None:
    from webapp.chat import STORED_QUESTION_CHARS

    chat, lib = ChatController(backend), Library()
    conv = chat.start(lib, "Tỷ lệ " * 200_000, {})
    assert len(conv.turns[0].question) == STORED_QUESTION_CHARS
    assert list(chat.answer(lib))[-1] is None and conv.turns[0].answer is not None


def test_exports(backend: AppBackend) -> None:
    import docx

    chat, lib = ChatController(backend), Library()
    _ask(chat, lib, DIGITISED_Q)
    _ask(chat, lib, RATE_Q)
    conv = chat.current(lib)
    one, whole = chat.export(conv, True), chat.export(conv, False)
    assert one.parent == backend.exports_dir and one.suffix == ".docx"
    one_text = [p.text for p in docx.Document(str(one)).paragraphs]
    whole_text = [p.text for p in docx.Document(str(whole)).paragraphs]
    assert f"Câu hỏi: {RATE_Q}" in one_text and not any(DIGITISED_Q in t for t in one_text)
    assert f"Câu hỏi 1: {DIGITISED_Q}" in whole_text and f"Câu hỏi 2: {RATE_Q}" in whole_text
    assert any(t.startswith("[1] Phường Phương Liễu — ") for t in whole_text)


def test_indicator_view_and_csv(backend: AppBackend) -> None:
    keys = [k for _name, k in backend.indicator_choices()]
    assert "tiep_nhan_truc_tuyen" in keys
    assert next(m for _label, m in backend.measure_choices("tiep_nhan_truc_tuyen")) == "%"
    view = backend.indicator_view("tiep_nhan_truc_tuyen")
    assert all(r[3].endswith("%") for r in view.rows)
    assert ["Phường Trí Quả", "Bắc Ninh", "tháng 5 năm 2026", "84,54%"] in [r[:4] for r in view.rows]
    path = backend.export_indicators_csv(view)
    assert path.parent == backend.exports_dir
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:6] == ["Chỉ tiêu", "Đơn vị", "Tỉnh", "Kỳ báo cáo", "Giá trị", "Đơn vị đo"]
    assert len(rows) == len(view.rows) + 1
