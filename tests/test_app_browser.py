"""End-to-end: the real app (python app.py) in headless Debian Chromium driven by Playwright.

One app server for the module (the five sample reports, extractive answers) and one more for
the LLM test (a local streaming OpenAI-protocol server); one browser; a fresh browser context
(empty localStorage) per test. Every page records its requests: none may leave 127.0.0.1.
Screenshots at 1280 px and 390 px go to APP_ARTIFACTS (default tmp/artifacts, printed); with
APP_UPDATE_SCREENSHOTS=1 they are also copied to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest

from tests.fake_llm_stream import FakeStreamingServer

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "data" / "reports"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 180
ANSWER_MS = 60_000
EVAL_MS = 300_000
AGG_Q = "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?"
RATE_Q = "Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?"
FOLLOW_UP = "Còn phường Phương Liễu thì sao?"
WARDS = ("Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành")
NEW_UNIT = "Tân Phước Đông"
NEW_FIGURE = "87,65%"
BOT = "#chatbot [data-testid='bot']"
USER = "#chatbot [data-testid='user']"
LLM_REPLY = ("Theo báo cáo, tỷ lệ hồ sơ trực tuyến của phường Trí Quả đạt 84.54% trên tổng số 550 hồ sơ "
             "tiếp nhận [1].")
PLANTED_SENTENCE = ("Tỷ lệ văn bản ký số đạt 97,13% ![x](http://203.0.113.7/t.png) <img src=http://203.0.113.7/i.png> "
                    "<a href=http://203.0.113.7/l>liên kết</a> <iframe src=http://203.0.113.7/f></iframe> "
                    "<script>fetch('http://203.0.113.7/s')</script>.")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI installs it with "
                                                    ".ci/install-browser.sh)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_app(store: Path, env_extra: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "RAG_STORE": str(store), "EMBED_MODEL": "none", "PYTHONUNBUFFERED": "1", **env_extra}
    if "APP_AUTH" not in env_extra:
        env.pop("APP_AUTH", None)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--store", str(store)], cwd=ROOT,
                            env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    proc.kill()
    raise TimeoutError(f"app not up after {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _ingested_store(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    store = tmp_path_factory.mktemp(name)
    env = {**os.environ, "RAG_STORE": str(store), "EMBED_MODEL": "none"}
    ingest = subprocess.run([sys.executable, "-m", "ingest", str(REPORTS_DIR), "--store", str(store)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stdout[-2000:] + ingest.stderr[-4000:]
    return store


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = _ingested_store(tmp_path_factory, "store")
    proc, url = _start_app(store, {}, store.parent / "app.log")
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeStreamingServer]:
    with FakeStreamingServer(LLM_REPLY, pieces=12, delay_s=0.25) as server:
        yield server


@pytest.fixture(scope="module")
def llm_app_url(tmp_path_factory: pytest.TempPathFactory, llm: FakeStreamingServer) -> Iterator[str]:
    store = _ingested_store(tmp_path_factory, "llm_store")
    proc, url = _start_app(store, {"LLM_BASE_URL": llm.base_url, "LLM_MODEL": "mo-hinh-thu", "LLM_TIMEOUT": "60"},
                           store.parent / "llm_app.log")
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def auth_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("auth_store")
    proc, url = _start_app(store, {"APP_AUTH": "canbo:mat-khau"}, store.parent / "auth_app.log")
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture(scope="module")
def artifacts_dir() -> Path:
    d = Path(os.environ.get("APP_ARTIFACTS", ROOT / "tmp" / "artifacts"))
    d.mkdir(parents=True, exist_ok=True)
    print(f"browser test artifacts: {d}")
    return d


class Pages:
    """Opens pages in fresh contexts and remembers every request that left 127.0.0.1."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.remote: list[str] = []

    def open(self, url: str, width: int = 1280, height: int = 900, context: Any = None) -> Any:
        if context is None:
            context = self.browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                               permissions=["clipboard-read", "clipboard-write"],
                                               accept_downloads=True)
            self.contexts.append(context)
            context.on("request", lambda r: self.remote.append(r.url)
                       if urlparse(r.url).hostname not in ("127.0.0.1", None) else None)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        page.wait_for_selector("#question textarea:not([disabled])")  # conversations loaded
        return page


@pytest.fixture
def pages(browser: Any) -> Iterator[Pages]:
    p = Pages(browser)
    yield p
    for c in p.contexts:
        c.close()
    assert p.remote == [], f"the page contacted other hosts: {p.remote}"


def ask(page: Any, question: str) -> Any:
    """Send a question and wait for its whole answer; returns the answer bubble."""
    from playwright.sync_api import expect

    bots = page.locator(BOT)
    before = bots.count()
    page.fill("#question textarea", question)
    page.click("#send")
    expect(bots).to_have_count(before + 1, timeout=ANSWER_MS)
    expect(page.locator("#question textarea")).to_be_enabled(timeout=ANSWER_MS)
    expect(bots.last).not_to_contain_text("Đang tìm trong các báo cáo")
    return bots.last


def shot(page: Any, artifacts: Path, name: str, full_page: bool = False) -> Path:
    path = artifacts / name
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    if os.environ.get("APP_UPDATE_SCREENSHOTS") == "1":
        docs = ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / name)
    return path


def build_docx(path: Path, extra: str | None = None) -> Path:
    """A small monthly report of a new ward with a distinctive figure, as a real Word file."""
    import docx

    d = docx.Document()
    for line in ("UBND PHƯỜNG " + NEW_UNIT.upper(), "Số: 27/BC-UBND", f"{NEW_UNIT}, ngày 12 tháng 5 năm 2026",
                 "BÁO CÁO", "Kết quả thực hiện chuyển đổi số tháng 5 năm 2026",
                 "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, "
                 f"UBND phường {NEW_UNIT} báo cáo kết quả chuyển đổi số tháng 5 năm 2026 như sau:",
                 "I. KẾT QUẢ THỰC HIỆN", "1. Công tác cải cách thủ tục hành chính",
                 "Trong kỳ báo cáo tiếp nhận 1.502 hồ sơ thủ tục hành chính.",
                 f"Tỷ lệ hồ sơ trực tuyến đạt {NEW_FIGURE}.", *([extra] if extra else []),
                 "II. KIẾN NGHỊ, ĐỀ XUẤT", "Đề nghị cấp trên hỗ trợ kinh phí nâng cấp đường truyền internet."):
        d.add_paragraph(line)
    d.save(str(path))
    return path


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


# ------------------------------------------------------------------------------------------------
# Item 1: the highlight is the span holding the cited value; the source list shows it
# ------------------------------------------------------------------------------------------------
def test_citation_highlights_the_cited_value(pages: Pages, app_url: str, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    answer = ask(page, AGG_Q)
    for ward in WARDS:
        expect(answer).to_contain_text(ward)
    items = page.locator("#sources-panel .source-item")
    expect(items).to_have_count(4)
    tri_qua = page.locator("#sources-panel .source-item", has_text="Phường Trí Quả")
    n = tri_qua.get_attribute("data-n")
    expect(tri_qua.locator(".source-snippet mark")).to_have_text("số hóa hồ sơ đạt 100%.")
    page.locator(f'{BOT} a[href="#nguon-0-{n}"]').click()
    passage = page.locator(f'#sources-panel .passage[data-n="{n}"]')
    expect(passage).to_be_visible()
    expect(passage.locator("mark")).to_have_text("số hóa hồ sơ đạt 100%.")
    assert "84.54" not in passage.locator("mark").inner_text()
    expect(page.locator("#sources-panel .passage:visible")).to_have_count(1)
    shot(page, artifacts_dir, "desktop.png")


# ------------------------------------------------------------------------------------------------
# Item 2: input is off while an LLM answer streams; Dừng stops it; the next question is its own
# ------------------------------------------------------------------------------------------------
def test_llm_answer_streams_and_can_be_stopped(pages: Pages, llm_app_url: str, llm: FakeStreamingServer) -> None:
    from playwright.sync_api import expect

    page = pages.open(llm_app_url)
    expect(page.locator("#status-badge")).to_contain_text("Trả lời: mô hình ngôn ngữ (mo-hinh-thu)")
    llm.pieces, llm.delay_s = 20, 0.3  # ~6 s of streaming: room for the checks below on a busy machine
    page.fill("#question textarea", RATE_Q)
    page.click("#send")
    bot = page.locator(BOT).last
    expect(bot).to_contain_text("Theo báo cáo", timeout=ANSWER_MS)  # the first pieces are on screen ...
    assert "84.54% [1]" not in bot.inner_text()  # ... before the last one arrives
    expect(page.locator("#question textarea")).to_be_disabled()
    expect(page.locator("#stop")).to_be_visible()
    expect(page.locator("#send")).to_be_hidden()
    expect(bot).to_contain_text("đạt 84.54%", timeout=ANSWER_MS)  # the whole, verified answer
    expect(bot.locator('a[href="#nguon-0-1"]')).to_have_count(1)
    expect(page.locator("#question textarea")).to_be_enabled()

    llm.pieces, llm.delay_s = 30, 0.5  # a slow model: stop it half-way
    page.fill("#question textarea", "Xã Dương Hưu kiến nghị gì?")
    page.click("#send")
    second = page.locator(BOT).nth(1)
    expect(second).to_contain_text("Theo báo cáo", timeout=ANSWER_MS)
    page.click("#stop")
    expect(second).to_contain_text("Đã dừng theo yêu cầu")
    expect(page.locator("#question textarea")).to_be_enabled()
    expect(page.locator("#stop")).to_be_hidden()
    partial = second.inner_text()
    time.sleep(1.2)  # nothing more arrives after the stop
    assert second.inner_text() == partial
    llm.pieces, llm.delay_s = 4, 0.05
    ask(page, FOLLOW_UP)
    expect(page.locator(BOT)).to_have_count(3)
    expect(page.locator(USER)).to_have_count(3)
    expect(page.locator(BOT).first).to_contain_text("đạt 84.54%")  # earlier answers are untouched


# ------------------------------------------------------------------------------------------------
# Item 3: active filters as chips; an abstention under filters says so and offers to clear them
# ------------------------------------------------------------------------------------------------
def test_filters_are_chips_and_an_abstention_offers_to_clear(pages: Pages, app_url: str) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    expect(page.locator("#filter-chips")).to_contain_text("Phạm vi: tất cả 5 báo cáo đã nạp")
    page.click("#filters")
    page.locator("#filter-period input").click()
    page.get_by_role("option", name="quý I năm 2026").first.click()
    page.keyboard.press("Escape")
    chips = page.locator("#filter-chips")
    expect(chips.locator(".chip")).to_have_text(["Kỳ báo cáo: quý I năm 2026"])
    expect(chips).to_contain_text("2/5 báo cáo")
    answer = ask(page, RATE_Q)
    expect(answer).to_contain_text("Câu hỏi được tìm trong phạm vi bộ lọc đang chọn (Kỳ báo cáo: quý I năm 2026)")
    expect(answer).to_contain_text("⚠️")
    expect(page.locator("#refilter")).to_be_visible()
    page.click("#refilter")
    expect(page.locator(BOT)).to_have_count(2, timeout=ANSWER_MS)
    expect(page.locator(BOT).last).to_contain_text("84.54%", timeout=ANSWER_MS)
    expect(chips).to_contain_text("Phạm vi: tất cả 5 báo cáo đã nạp")
    expect(page.locator("#refilter")).to_be_hidden()


# ------------------------------------------------------------------------------------------------
# Item 4: the chat's clear icon and "Cuộc hội thoại mới" both reset chat, follow-up history, sources
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("control", ["chat-clear-icon", "new-chat-button"])
def test_both_clear_controls_reset_everything(pages: Pages, app_url: str, control: str) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    ask(page, RATE_Q)
    expect(page.locator("#sources-panel .source-item")).to_have_count(1)
    if control == "chat-clear-icon":
        page.locator("#chatbot button[aria-label='Cuộc hội thoại mới (xóa màn hình)']").click()
    else:
        page.click("#new-chat")
    expect(page.locator(BOT)).to_have_count(0)
    expect(page.locator("#sources-panel")).to_contain_text("Chưa có nguồn trích dẫn")
    expect(page.locator("#docx-answer")).to_be_disabled()
    answer = ask(page, FOLLOW_UP)  # with the old history this would be Phương Liễu's 91,71%
    assert "91,71" not in answer.inner_text()
    expect(page.locator("#conversations label")).to_have_count(2)  # the first one is kept in the list


# ------------------------------------------------------------------------------------------------
# Item 5: copy gives plain text with numbered sources; .docx of an answer or the conversation
# ------------------------------------------------------------------------------------------------
def test_copy_plain_text_and_word_export(pages: Pages, app_url: str, tmp_path: Path) -> None:
    import docx
    from playwright.sync_api import expect

    page = pages.open(app_url)
    ask(page, AGG_Q)
    ask(page, RATE_Q)
    page.click("#copy-answer")
    expect(page.locator("#copy-answer")).to_have_text("Đã sao chép")
    copied = page.evaluate("navigator.clipboard.readText()")
    lines = copied.split("\n")
    assert lines[0].startswith("84.54% — theo báo cáo của phường Trí Quả (tháng 5 năm 2026)") and \
        lines[0].endswith("[1]"), copied
    assert "\n\nNguồn:\n[1] Phường Trí Quả — Kết quả Chuyển đổi số tháng 5 năm 2026, mục " in copied
    assert copied.rstrip().endswith("Trực tuyến 465 hồ sơ đạt 84.54%;”")
    for raw in ("[[", "](#", "⚠️", "\\", "<", "**"):
        assert raw not in copied, (raw, copied)
    assert not re.search(r"^> ", copied, re.M), copied  # no markdown quote lines

    with page.expect_download() as dl:
        page.click("#docx-answer")
    one = tmp_path / dl.value.suggested_filename
    dl.value.save_as(one)
    with page.expect_download() as dl2:
        page.click("#docx-conversation")
    whole = tmp_path / ("all_" + dl2.value.suggested_filename)
    dl2.value.save_as(whole)
    one_text = [p.text for p in docx.Document(str(one)).paragraphs]
    whole_text = [p.text for p in docx.Document(str(whole)).paragraphs]
    assert one.suffix == ".docx" and one_text[0] == "Câu trả lời"
    assert f"Câu hỏi: {RATE_Q}" in one_text and "Nguồn trích dẫn" in one_text
    assert any(t.startswith("[1] Phường Trí Quả — ") for t in one_text)
    assert f"Câu hỏi 1: {AGG_Q}" in whole_text and f"Câu hỏi 2: {RATE_Q}" in whole_text
    assert sum(t == "Nguồn trích dẫn" for t in whole_text) == 2


# ------------------------------------------------------------------------------------------------
# Item 6: the retrieval mode shows once, in the status badge; answers carry no technical warning
# ------------------------------------------------------------------------------------------------
def test_retrieval_mode_is_a_badge_not_a_warning(pages: Pages, app_url: str) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    badge = page.locator("#status-badge .status-badge")
    expect(badge).to_have_text(["Tìm kiếm: theo từ khóa", "Trả lời: trích nguyên văn từ báo cáo"])
    assert "chưa được cài" in badge.first.get_attribute("title")
    off = ask(page, "Thời tiết Hà Nội hôm nay thế nào?")
    expect(off).to_contain_text("ℹ️ Không tìm thấy thông tin này trong các báo cáo đã nạp")
    assert "⚠️" not in off.inner_text()
    page.click("#new-chat")
    expect(page.locator(BOT)).to_have_count(0)
    answer = ask(page, AGG_Q)
    text = answer.inner_text()
    assert "⚠️" not in text and "ℹ️" not in text and "từ vựng" not in text


# ------------------------------------------------------------------------------------------------
# Items 7 and 10, issue 13 item 8: names instead of ids; per-file upload rows; confirmed removal
# that also empties Gradio's cache; a 50 MB file and a wrong type refused by name, no toast
# ------------------------------------------------------------------------------------------------
def test_reports_upload_rows_and_confirmed_removal(pages: Pages, app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from webapp.backend import REPORT_COLUMNS

    page = pages.open(app_url)
    open_tab(page, "Báo cáo")
    table = page.locator("#reports-table")
    expect(table.locator("th .header")).to_have_text(list(REPORT_COLUMNS))
    expect(table).to_contain_text("Phường Trí Quả")
    expect(table).to_contain_text("001_8f9fde24fc816415.txt")  # the file name, not the internal id
    shown = table.inner_text()
    assert not re.search(r"\b\d{3}_[0-9a-f]{16}\b(?!\.txt)", shown), shown

    big = tmp_path / "Báo cáo rất lớn.docx"
    with big.open("wb") as fh:
        fh.truncate(50 * 1_048_576)
    exe = tmp_path / "chuong_trinh.exe"
    exe.write_bytes(b"MZ")
    page.locator("#upload input[type=file]").set_input_files([str(big), str(exe)])
    notice = page.locator("#upload-notice li")
    expect(notice).to_have_text(["Báo cáo rất lớn.docx: tệp quá lớn (50 MB, giới hạn 20 MB); không tải lên.",
                                 re.compile(r"^chuong_trinh\.exe: định dạng \.exe không được hỗ trợ")])
    time.sleep(0.5)
    expect(page.locator(".toast-body")).to_have_count(0)

    good = build_docx(tmp_path / f"Báo cáo {NEW_UNIT}.docx")
    broken = tmp_path / "hỏng.pdf"
    broken.write_bytes(b"%PDF-1.4 not a real pdf")
    page.locator("#upload input[type=file]").set_input_files([str(good), str(broken)])
    expect(page.locator("#upload a.download-link")).to_have_count(2)  # both uploaded to Gradio's cache
    cached = [a.get_attribute("href") for a in page.locator("#upload a.download-link").all()]
    assert cached and all("/gradio_api/file=" in h for h in cached), cached
    page.click("#ingest")
    result = page.locator("#ingest-result")
    expect(result).to_contain_text("Kết quả: 1/2 tệp nạp thành công.", timeout=ANSWER_MS)
    rows = result.locator("tbody tr")
    expect(rows.nth(0).locator("td")).to_have_text([good.name, "Đã nạp",
                                                     re.compile(rf"^Phường {NEW_UNIT}, tháng 5 năm 2026 \(")])
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Lỗi")
    assert "uploads" not in result.inner_text() and "/tmp" not in result.inner_text()
    expect(table).to_contain_text(NEW_UNIT)
    expect(table).to_contain_text(good.name)
    for href in cached:  # the uploaded copies are gone from Gradio's cache
        status = page.request.get(urljoin(app_url, href)).status
        assert status in (403, 404), (href, status)

    page.locator("#remove-doc input").click()
    option = page.get_by_role("option", name=re.compile(rf"^Phường {NEW_UNIT} — tháng 5 năm 2026 — "
                                                        rf"{re.escape(good.name)} \(nạp "))
    option.click()
    page.click("#remove")
    confirm = page.locator("#remove-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Sẽ xóa báo cáo của Phường {NEW_UNIT} (kỳ tháng 5 năm 2026, số 27/BC-UBND, "
                                    f"ngày 12/05/2026), tệp {good.name}:")
    expect(confirm).to_contain_text("Tệp gốc đã tải lên cũng bị xóa. Không thể hoàn tác.")
    page.click("#remove-no")
    expect(confirm).to_be_hidden()
    expect(table).to_contain_text(NEW_UNIT)  # nothing removed without confirmation
    page.click("#remove")
    page.click("#remove-yes")
    expect(page.locator("#remove-result")).to_have_text(f"Đã xóa báo cáo Phường {NEW_UNIT}, tháng 5 năm 2026.")
    expect(table).not_to_contain_text(NEW_UNIT)


# ------------------------------------------------------------------------------------------------
# Items 8 and 11: Vietnamese page language and strings everywhere; the evaluation tab
# ------------------------------------------------------------------------------------------------
ENGLISH = re.compile(r"\b(the|and|file|files|here|message|copy|clear|sort|ascending|descending|loading|error|"
                     r"submit|processing|upload|download|remove|fullscreen|share|settings|drop|click|menu|"
                     r"more|tabs|conversation|textbox|chatbot|invalid|allowed|exceed|retry|undo|filter)\b", re.I)
STRINGS_JS = """() => {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    if (n.nodeType === 3) {
      const p = n.parentElement;
      if (p && !p.closest('script, style, #chatbot .message-content, #sources-panel, table.upload-rows, td, svg'))
        out.push(n.nodeValue.trim());
    } else if (!n.closest('svg')) {
      for (const a of ['title', 'aria-label', 'placeholder', 'alt']) { const v = n.getAttribute(a); if (v) out.push(v); }
    }
  }
  return out.filter((s) => s);
}"""


def _english(page: Any) -> list[str]:
    return sorted({s for s in page.evaluate(STRINGS_JS) if ENGLISH.search(s)})


def test_page_is_vietnamese_everywhere(pages: Pages, app_url: str) -> None:
    from playwright.sync_api import expect

    served = urllib.request.urlopen(app_url, timeout=10).read().decode()
    assert '<html\n\tlang="vi"' in served
    page = pages.open(app_url)
    assert page.evaluate("document.documentElement.lang") == "vi"
    ask(page, AGG_Q)
    assert _english(page) == [], _english(page)
    clear = page.locator("#chatbot .top-panel button").first
    assert clear.get_attribute("title") == "Cuộc hội thoại mới (xóa màn hình)"
    open_tab(page, "Báo cáo")
    page.locator("#reports-table th").first.hover()
    menu_button = page.locator("#reports-table th").first.locator("button")
    assert menu_button.get_attribute("aria-label") == "Tùy chọn của cột"
    menu_button.click()
    expect(page.get_by_text("Sắp xếp tăng dần")).to_be_visible()
    expect(page.get_by_text("Sắp xếp giảm dần")).to_be_visible()
    assert _english(page) == [], _english(page)
    page.keyboard.press("Escape")
    expect(page.locator("#upload")).to_contain_text("Kéo thả tệp vào đây")
    open_tab(page, "Chỉ tiêu")
    page.locator("#indicator-key input").click()
    page.get_by_role("option", name=re.compile("hồ sơ tiếp nhận trực tuyến")).first.click()
    expect(page.locator("#indicator-table")).to_contain_text("84,54%")
    expect(page.locator("#indicator-measure")).to_contain_text("Tỷ lệ (%)")
    assert _english(page) == [], _english(page)
    open_tab(page, "Đánh giá")
    page.click("#eval-run")
    expect(page.locator("#eval-progress")).to_contain_text(re.compile("Đang (nạp|chấm)"), timeout=EVAL_MS)
    expect(page.locator("#eval-summary h3")).to_contain_text(re.compile(r"^Trả lời đúng \d+/57 câu hỏi \("),
                                                             timeout=EVAL_MS)
    expect(page.locator("#eval-progress")).to_have_text("Đã chấm xong.")
    summary = page.locator("#eval-summary").inner_text()
    assert "Hỏi một con số" in summary and "Trả lời sai mà không báo là không chắc" in summary
    for jargon in ("R@1", "MRR", "p50", "recall", "config"):
        assert jargon not in summary, jargon
    expect(page.locator("#eval-details")).to_contain_text("Chi tiết kỹ thuật")
    assert _english(page) == [], _english(page)


def test_login_page_is_vietnamese_and_slows_down(pages: Pages, auth_app_url: str) -> None:
    """Issue 13 item 9 and item 8: the login page (served before the app's own script is allowed)."""
    from playwright.sync_api import expect

    context = pages.browser.new_context(locale="vi-VN")
    pages.contexts.append(context)
    page = context.new_page()
    page.goto(auth_app_url)
    expect(page.get_by_text("Đăng nhập để sử dụng trợ lý báo cáo.")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    took = []
    for _ in range(4):
        page.locator("input").first.fill("canbo")
        page.locator("input[type=password]").fill("sai")
        t0 = time.monotonic()
        with page.expect_response(re.compile(r"/login/?$")):
            page.get_by_role("button", name="Đăng nhập").click()
        took.append(time.monotonic() - t0)
    expect(page.get_by_text("Sai tên đăng nhập hoặc mật khẩu")).to_be_visible()
    assert max(took[:3]) < 0.9 and took[3] >= 1.0, took
    assert _english(page) == [], _english(page)
    page.locator("input").first.fill("canbo")
    page.locator("input[type=password]").fill("mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#question textarea:not([disabled])")).to_be_visible(timeout=60_000)


# ------------------------------------------------------------------------------------------------
# Item 12: on a phone the sources open as a drawer over the answer; the page does not jump
# ------------------------------------------------------------------------------------------------
def test_phone_sources_drawer(pages: Pages, app_url: str, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url, width=390, height=844)
    for tab in ("Hỏi đáp", "Báo cáo", "Chỉ tiêu", "Đánh giá"):  # no tab hidden behind "⋯"
        expect(page.get_by_role("tab", name=tab)).to_be_visible()
    ask(page, AGG_Q)
    drawer = page.locator("#sources-col")
    expect(drawer).not_to_be_in_viewport()
    marker = page.locator(f'{BOT} a[href="#nguon-0-2"]')
    marker.scroll_into_view_if_needed()
    y_before = page.evaluate("window.scrollY")
    marker.click()
    expect(drawer).to_be_in_viewport(ratio=0.9)
    expect(page.locator('#sources-panel .passage[data-n="2"]')).to_be_visible()
    expect(page.locator('#sources-panel .passage[data-n="2"] mark')).to_have_text("số hóa hồ sơ đạt 100%.")
    assert abs(page.evaluate("window.scrollY") - y_before) < 5  # no jump
    box = drawer.bounding_box()
    assert box["y"] + box["height"] <= 844 + 1 and box["height"] <= 0.75 * 844 + 1
    time.sleep(0.3)
    shot(page, artifacts_dir, "phone.png")
    page.locator("#sources-panel .drawer-close").click()
    expect(drawer).not_to_be_in_viewport()
    expect(marker).to_be_in_viewport()
    page.click("#open-sources")
    expect(drawer).to_be_in_viewport(ratio=0.9)


# ------------------------------------------------------------------------------------------------
# Item 13: conversations survive a reload, with a list of past ones; example questions send
# ------------------------------------------------------------------------------------------------
def test_conversations_are_kept_in_the_browser(pages: Pages, app_url: str) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    page.locator("#examples button", has_text=AGG_Q).click()  # one click asks
    expect(page.locator(BOT)).to_have_count(1, timeout=ANSWER_MS)
    expect(page.locator(BOT).first).to_contain_text("Phường Phù Liễn")
    expect(page.locator("#question textarea")).to_be_enabled(timeout=ANSWER_MS)
    ask(page, RATE_Q)
    shown = page.locator(BOT).all_inner_texts()
    page.reload()
    page.wait_for_selector("#question textarea:not([disabled])")
    expect(page.locator(USER)).to_have_text([AGG_Q, RATE_Q])
    assert page.locator(BOT).all_inner_texts() == shown  # the same answers, as they were
    expect(page.locator("#sources-panel .source-item")).to_have_count(1)
    expect(ask(page, FOLLOW_UP)).to_contain_text("91,71%")  # the restored history drives follow-ups
    page.click("#new-chat")
    expect(page.locator(BOT)).to_have_count(0)
    labels = page.locator("#conversations label")
    expect(labels).to_have_count(1)
    expect(labels.first).to_contain_text("Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%? · 3 câu hỏi")
    ask(page, "Xã Dương Hưu kiến nghị gì?")
    expect(labels).to_have_count(2)
    page.reload()
    page.wait_for_selector("#question textarea:not([disabled])")
    expect(page.locator(USER)).to_have_text(["Xã Dương Hưu kiến nghị gì?"])
    page.locator("#conversations label", has_text="3 câu hỏi").click()
    expect(page.locator(USER)).to_have_count(3)
    page.locator(f'{BOT} a[href^="#nguon-0-"]').first.click()  # an older answer's sources come back
    expect(page.locator('#sources-panel .sources[data-turn="0"] .passage:visible')).to_have_count(1)
    page.click("#delete-chat")
    expect(labels).to_have_count(1)


# ------------------------------------------------------------------------------------------------
# Issue 13 item 2: markup inside a report is shown as text and fetches nothing
# ------------------------------------------------------------------------------------------------
def test_report_markup_is_shown_as_text(pages: Pages, app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = pages.open(app_url)
    open_tab(page, "Báo cáo")
    report = tmp_path / "bao_cao_ky_so.txt"
    report.write_text("\n".join([
        "UBND PHƯỜNG HÒA KHÁNH", "Số: 31/BC-UBND", "Hòa Khánh, ngày 12 tháng 5 năm 2026", "BÁO CÁO",
        "Kết quả thực hiện chuyển đổi số tháng 5 năm 2026", "I. KẾT QUẢ THỰC HIỆN", "1. Văn bản điện tử",
        PLANTED_SENTENCE, "II. KIẾN NGHỊ, ĐỀ XUẤT", "Đề nghị hỗ trợ chữ ký số."]), encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(report))
    expect(page.locator("#upload")).to_contain_text(report.name)
    page.click("#ingest")
    expect(page.locator("#ingest-result")).to_contain_text("1/1 tệp nạp thành công", timeout=ANSWER_MS)
    open_tab(page, "Hỏi đáp")
    answer = ask(page, "Tỷ lệ văn bản ký số của phường Hòa Khánh là bao nhiêu?")
    expect(answer).to_contain_text("97,13%")
    text = answer.inner_text()
    for literal in ("![x](http://203.0.113.7/t.png)", "<img src=http://203.0.113.7/i.png>",
                    "<a href=http://203.0.113.7/l>liên kết</a>", "<iframe src=http://203.0.113.7/f></iframe>",
                    "<script>fetch('http://203.0.113.7/s')</script>"):
        assert literal in text, (literal, text)
    page.locator(f'{BOT} a[href^="#nguon-"]').last.click()
    expect(page.locator("#sources-panel .passage:visible")).to_contain_text("<img src=http://203.0.113.7/i.png>")
    for where in ("#chatbot", "#sources-panel"):
        for tag in ("img", "iframe", "script", "a[href^='http']"):
            assert page.locator(f"{where} {tag}").count() == 0, (where, tag)
    time.sleep(0.5)  # any fetch the markup could trigger would have been recorded by now
    open_tab(page, "Báo cáo")
    page.locator("#remove-doc input").click()
    page.get_by_role("option", name=re.compile("^Phường Hòa Khánh")).click()
    page.click("#remove")
    page.click("#remove-yes")
    expect(page.locator("#remove-result")).to_contain_text("Đã xóa báo cáo Phường Hòa Khánh")
