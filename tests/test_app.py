"""The app's backend (assistant/ui_helpers.py) and app.py wiring, without a browser.

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
from assistant.ui_helpers import (
    AppBackend,
    UploadError,
    chart_frame,
    claim_text,
    highlight_span,
    render_answer_markdown,
    render_passage_html,
    render_sources_html,
    safe_doc_id,
    stage_upload,
)
from ingest.models import Indicator

REPORTS_DIR = Path(__file__).resolve().parent.parent / "data" / "reports"
SAMPLE_WARDS = ("Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành")
DIGITISED_Q = "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?"


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


# ------------------------------------------------------------------------------------------------
# Pure helpers
# ------------------------------------------------------------------------------------------------
class TestSafeDocId:
    def test_safe_name_kept(self) -> None:
        assert safe_doc_id("000_72c868d4104a62a0.txt") == "000_72c868d4104a62a0"

    def test_accents_folded_and_hashed(self) -> None:
        doc_id = safe_doc_id("Báo cáo tháng 5 - Phường Đông.docx")
        assert re.fullmatch(r"Bao_cao_thang_5_-_Phuong_Dong_[0-9a-f]{8}", doc_id)

    def test_distinct_names_that_fold_alike_stay_distinct(self) -> None:
        assert safe_doc_id("báo cáo.txt") != safe_doc_id("bao cao.txt")

    def test_client_path_is_ignored(self) -> None:
        assert safe_doc_id("../../etc/passwd") == "passwd"
        assert safe_doc_id("C:\\Users\\x\\..\\bc.pdf") == "bc"

    def test_nothing_usable(self) -> None:
        assert re.fullmatch(r"bao_cao_[0-9a-f]{8}", safe_doc_id("....txt"))


class TestStageUpload:
    def test_copied_under_uploads_with_generated_name(self, tmp_path: Path) -> None:
        src = tmp_path / "tmp123"
        src.write_bytes(b"abc")
        dest = stage_upload(src, "../evil/Báo cáo.TXT", tmp_path / "store" / "uploads", 1000)
        assert dest.parent == tmp_path / "store" / "uploads"
        assert re.fullmatch(r"Bao_cao_[0-9a-f]{8}\.txt", dest.name)
        assert dest.read_bytes() == b"abc"
        assert src.exists()

    def test_refuses_unknown_suffix(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"abc")
        with pytest.raises(UploadError, match=r"^virus\.exe: định dạng không được hỗ trợ"):
            stage_upload(src, "virus.exe", tmp_path / "up", 1000)
        assert not (tmp_path / "up").exists()

    def test_refuses_too_large(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"a" * 2_000_000)
        with pytest.raises(UploadError, match=r"^a\.pdf: tệp quá lớn \(1\.9 MB, giới hạn 1 MB\)"):
            stage_upload(src, "a.pdf", tmp_path / "up", 1_048_576)

    def test_refuses_empty(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"")
        with pytest.raises(UploadError, match="tệp rỗng"):
            stage_upload(src, "a.md", tmp_path / "up", 1000)

    def test_new_format_supersedes_old(self, tmp_path: Path) -> None:
        from assistant.ui_helpers import drop_other_formats

        src = tmp_path / "x"
        src.write_bytes(b"abc")
        up = tmp_path / "up"
        stage_upload(src, "bc.txt", up, 1000)
        new = stage_upload(src, "bc.docx", up, 1000)
        assert sorted(p.name for p in up.iterdir()) == ["bc.docx", "bc.txt"]
        drop_other_formats(new)
        assert sorted(p.name for p in up.iterdir()) == ["bc.docx"]


class TestHighlight:
    PARA = ("Trong kỳ báo cáo tiếp nhận: 2,955 hồ sơ. Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%. "
            "Tiếp nhận trực tiếp: 245 hồ sơ.")

    def test_cited_part_marked(self) -> None:
        a, b = highlight_span(self.PARA, "Tiếp nhận trực tiếp: 245 hồ sơ.", "")
        assert self.PARA[a:b] == "Tiếp nhận trực tiếp: 245 hồ sơ."

    def test_best_sentence_for_claim(self) -> None:
        claim = claim_text("Tỷ lệ hồ sơ trực tuyến toàn trình của phường đạt 99.75% [2]. Khác [1].", 2)
        a, b = highlight_span(self.PARA, self.PARA, claim)
        assert self.PARA[a:b] == "Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%."

    def test_passage_html_escapes_and_marks(self) -> None:
        from assistant.ui_helpers import CitationView, ParagraphView

        view = CitationView(n=1, doc_id="d", unit="Phường A", title="<b>x</b>", period="tháng 4",
                            section="II > 1", cited_text="đạt 100%",
                            paragraphs=[ParagraphView("d:p1", "Số hóa <đạt> 100%.", (0, 7))])
        out = render_passage_html(view)
        assert "<mark>Số hóa </mark>&lt;đạt&gt; 100%." in out
        assert "&lt;b&gt;x&lt;/b&gt; · tháng 4" in out
        assert "<b>x</b>" not in out


class TestRenderAnswer:
    def test_abstention_and_notes(self) -> None:
        ans = Answer(question="q", answer="Các báo cáo không có thông tin này.", abstained=True, citations=[],
                     retrieval="lexical", notes=["Tìm kiếm chỉ dùng chỉ mục từ vựng."])
        md = render_answer_markdown(ans)
        assert md.splitlines()[0] == "Các báo cáo không có thông tin này."
        assert "> ⚠️ Không tìm thấy thông tin này trong các báo cáo đã nạp" in md
        assert "> ⚠️ Tìm kiếm chỉ dùng chỉ mục từ vựng." in md

    def test_note_after_list_is_its_own_paragraph(self) -> None:
        ans = Answer(question="q", answer="Có 2 đơn vị:\n- A [1]\n- B [2]\nLưu ý: C không nêu.", abstained=False,
                     citations=[])
        assert render_answer_markdown(ans) == "Có 2 đơn vị:\n- A [1]\n- B [2]\n\nLưu ý: C không nêu."

    def test_markers_link_to_citations_and_back(self) -> None:
        from assistant.ui_helpers import link_markers, unlink_markers

        linked = link_markers("A [1], B [2] và [7].", [1, 2])
        assert linked == "A [[1]](#nguon-1), B [[2]](#nguon-2) và [7]."
        assert unlink_markers(linked) == "A [1], B [2] và [7]."

    def test_sources_list(self) -> None:
        assert "Chưa có nguồn" in render_sources_html([])


def test_chart_keeps_the_common_measure_and_first_value() -> None:
    def ind(unit: str, value: float, measure: str = "%") -> Indicator:
        return Indicator(doc_id=f"d_{unit}", unit=unit, province=None, period="2026-04", key="k", label="l",
                         value=value, measure=measure, qualifier=None, numerator=None, denominator=None,
                         paragraph_id="p", sentence="s", start=0, end=1)

    frame, measure = chart_frame([ind("A", 100), ind("A", 90), ind("B", 95.5), ind("C", 12, "hồ sơ")])
    assert measure == "%"
    assert frame.values.tolist() == [["A", 100.0], ["B", 95.5]]


def test_parse_auth() -> None:
    import app

    assert app.parse_auth("admin:pa:ss") == ("admin", "pa:ss")
    assert app.parse_auth(None) is None
    with pytest.raises(ValueError):
        app.parse_auth("admin")


# ------------------------------------------------------------------------------------------------
# Against real services on a temporary store
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> AppBackend:
    from assistant.services import build_services
    from index.settings import EmbedSettings, Settings

    store = tmp_path_factory.mktemp("store")
    settings = Settings(store=store, embed=EmbedSettings(model="none"))
    b = AppBackend(settings, build_services(settings))
    samples = sorted(REPORTS_DIR.glob("*.txt"))
    outcomes = b.ingest_uploads([(p, p.name) for p in samples])
    assert [o.ok for o in outcomes] == [True] * len(samples), [o.message for o in outcomes]
    return b


def test_uploaded_reports_listed(backend: AppBackend) -> None:
    frame = backend.reports_frame()
    assert sorted(frame["Mã báo cáo"]) == sorted(p.stem for p in REPORTS_DIR.glob("*.txt"))
    assert set(SAMPLE_WARDS) <= set(frame["Đơn vị"])


def test_same_name_twice_in_one_batch(backend: AppBackend, tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "trung_ten.txt", tmp_path / "b" / "trung_ten.txt"
    for p, unit in ((a, "Hòa Lạc Tây"), (b, "Hòa Lạc Đông")):
        p.parent.mkdir()
        p.write_text(ward_report(unit, "90%", "95%", "100"), encoding="utf-8")
    out = backend.ingest_uploads([(a, a.name), (b, b.name)])
    assert [o.ok for o in out] == [True, False]
    assert out[1].message == "trung_ten.txt: trùng tên với một tệp khác trong lần tải lên này."
    backend.remove_report("trung_ten")


def test_bad_uploads_reported_per_file(backend: AppBackend, tmp_path: Path) -> None:
    bad = tmp_path / "hỏng.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    exe = tmp_path / "a.exe"
    exe.write_bytes(b"MZ")
    outcomes = backend.ingest_uploads([(bad, bad.name), (exe, exe.name)])
    assert [o.ok for o in outcomes] == [False, False]
    assert outcomes[0].message.startswith("hỏng.pdf: ")
    assert outcomes[1].message.startswith("a.exe: định dạng không được hỗ trợ")
    assert not any(backend.uploads_dir.glob("hong_*"))  # a refused file is not kept
    md = backend.outcomes_markdown(outcomes)
    assert md.startswith("**Kết quả:** 0/2 tệp nạp thành công.")


def test_failed_reupload_keeps_the_previous_file(backend: AppBackend, tmp_path: Path) -> None:
    good = tmp_path / "good" / "bao_cao_lap_lai.txt"
    good.parent.mkdir()
    good.write_text(ward_report("Phú Lâm Tây", "90,01%", "99%", "222"), encoding="utf-8")
    assert backend.ingest_uploads([(good, good.name)])[0].ok
    broken = tmp_path / "broken" / "bao_cao_lap_lai.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    out = backend.ingest_uploads([(broken, broken.name)])
    assert [o.ok for o in out] == [False], out
    assert out[0].message.startswith("bao_cao_lap_lai.txt: ")
    kept = backend.uploads_dir / "bao_cao_lap_lai.txt"
    assert kept.read_bytes() == good.read_bytes()
    assert not list(backend.uploads_dir.glob("*.bak"))
    assert "bao_cao_lap_lai" in backend.doc_ids()
    backend.remove_report("bao_cao_lap_lai")


def test_answer_with_citation_views(backend: AppBackend) -> None:
    answer = backend.ask(DIGITISED_Q)
    for ward in SAMPLE_WARDS:
        assert ward in answer.answer
    views = backend.citation_views(answer)
    assert len(views) >= 4
    for v in views:
        assert v.paragraphs and v.paragraphs[0].text
        assert any(pv.mark is not None for pv in v.paragraphs)
        assert "<mark>" in render_passage_html(v)


def test_citation_of_a_changed_report_shows_the_cited_passage(backend: AppBackend) -> None:
    from assistant.ui_helpers import STALE_NOTE, build_citation_views

    answer = backend.ask(DIGITISED_Q)
    c = answer.citations[0]
    stale = Answer(question="q", answer=answer.answer, abstained=False, citations=[
        Citation(n=c.n, doc_id=c.doc_id, unit=c.unit, section=c.section, paragraph_ids=c.paragraph_ids,
                 text="Tỷ lệ số hóa hồ sơ đạt 12,34%.")])
    view = build_citation_views(stale, backend.store)[0]
    assert view.note == STALE_NOTE
    assert [p.text for p in view.paragraphs] == ["Tỷ lệ số hóa hồ sơ đạt 12,34%."]
    assert STALE_NOTE in render_passage_html(view)


def test_filters_name_the_matching_reports(backend: AppBackend) -> None:
    assert backend.make_filters([], [], []) is None
    frame = backend.reports_frame()
    bac_ninh = sorted(frame.loc[frame["Tỉnh"] == "Bắc Ninh", "Mã báo cáo"])
    f = backend.make_filters(["Bắc Ninh"], [], [])
    assert (f.provinces, sorted(f.doc_ids)) == (["Bắc Ninh"], bac_ninh)
    assert len(bac_ninh) >= 2
    none = backend.make_filters(["Bắc Ninh"], ["Trung Thành"], [])  # Trung Thành is in Thái Nguyên
    assert none.doc_ids == []
    answer = backend.ask(DIGITISED_Q, filters=none)
    assert answer.abstained and answer.answer.startswith("Không có báo cáo nào khớp bộ lọc")


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
    v_old = tmp_path / "old" / "bao_cao_vinh_khang.txt"
    v_new = tmp_path / "new" / "bao_cao_vinh_khang.txt"
    for path, text in ((v_old, ward_report(unit, "97,31%", "100%", "1.234")),
                       (v_new, ward_report(unit, "88,16%", "96,42%", "4.321"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
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
    print(f"{len(answers)} answers during {ingest_s:.2f}s of re-ingest; rate answers by state: {states}")
    assert states["new"] >= 1, states  # the chats really ran while the versions changed
    # The last swap put the old version back.
    assert "97,31" in backend.ask(rate_q).answer


def test_remove_report(backend: AppBackend, tmp_path: Path) -> None:
    path = tmp_path / "bao_cao_tam.txt"
    path.write_text(ward_report("Tân Hòa Đông", "91,23%", "99%", "321"), encoding="utf-8")
    assert backend.ingest_uploads([(path, path.name)])[0].ok
    assert "bao_cao_tam" in backend.doc_ids()
    assert (backend.uploads_dir / "bao_cao_tam.txt").exists()
    assert backend.remove_report("bao_cao_tam") == "Đã xóa báo cáo bao\\_cao\\_tam."
    assert "bao_cao_tam" not in backend.doc_ids()
    assert not (backend.uploads_dir / "bao_cao_tam.txt").exists()
    assert backend.remove_report("khong_co") == "Không có báo cáo khong\\_co."


def test_indicator_table_chart_and_csv(backend: AppBackend) -> None:
    choices = backend.indicator_choices()
    assert choices, "no indicators extracted from the samples"
    keys = [k for _name, k in choices]
    key = "so_hoa_ho_so" if "so_hoa_ho_so" in keys else keys[0]
    table = backend.indicator_table(key)
    assert len(table) >= 1
    frame, measure = backend.indicator_chart(key)
    assert len(frame) >= 1 and measure
    path = backend.export_indicators_csv(table)
    assert path.parent == Path(backend.settings.store) / "exports"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Chỉ tiêu", "Đơn vị", "Tỉnh", "Kỳ báo cáo", "Giá trị"]
    assert len(rows) == len(table) + 1


def test_build_ui_constructs(backend: AppBackend) -> None:
    import app

    demo = app.build_ui(backend)
    assert demo.title == "Trợ lý báo cáo chuyển đổi số"


def test_app_module_keeps_gradio_to_itself() -> None:
    """Only app.py imports gradio (STYLE.md)."""
    root = Path(__file__).resolve().parent.parent
    offenders = [p.relative_to(root).as_posix() for d in ("assistant", "index", "ingest", "eval")
                 for p in (root / d).rglob("*.py")
                 if re.search(r"^\s*(import gradio|from gradio)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_defaults_are_safe() -> None:
    import app

    args = app.parse_args([])
    assert (args.host, args.port, args.auth) == ("127.0.0.1", 7860, None)


def test_auth_guards_every_route(tmp_path: Path) -> None:
    """`--auth` puts a login in front of the page config and the API."""
    import http.cookiejar
    import os
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "EMBED_MODEL": "none", "APP_AUTH": "canbo:mat:khau"}
    root = Path(__file__).resolve().parent.parent
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--store", str(tmp_path / "s")],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "app.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                assert time.monotonic() < deadline, "app did not start"
                time.sleep(0.5)
        for path in ("/config", "/gradio_api/info"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(base + path, timeout=10)
            assert err.value.code == 401, path
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        bad = urllib.parse.urlencode({"username": "canbo", "password": "sai"}).encode()
        with pytest.raises(urllib.error.HTTPError):
            opener.open(base + "/login", data=bad, timeout=10)
        good = urllib.parse.urlencode({"username": "canbo", "password": "mat:khau"}).encode()
        assert opener.open(base + "/login", data=good, timeout=10).status == 200
        assert opener.open(base + "/config", timeout=10).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
