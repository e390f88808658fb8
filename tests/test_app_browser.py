"""End-to-end: the real app (python app.py) in headless Debian Chromium driven by Playwright.

Starts the app on a free port against a temporary store holding the five sample reports, asks the
aggregate question, opens a citation, uploads a .docx built here and finds its content in an answer,
and saves a screenshot of the chat (path printed; directory from APP_ARTIFACTS, default
tmp/artifacts in the repository).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "data" / "reports"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 180
ANSWER_TIMEOUT_MS = 90_000
EVAL_TIMEOUT_MS = 600_000
QUESTION = "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?"
WARDS = ("Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành")
NEW_UNIT = "Tân Phước Đông"
NEW_FIGURE = "87,65%"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI installs it with "
                                                    ".ci/install-browser.sh)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"app not up after {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


def build_docx(path: Path) -> Path:
    """A small monthly report of a new ward with a distinctive figure, as a real Word file."""
    import docx

    d = docx.Document()
    d.add_paragraph("UBND PHƯỜNG " + NEW_UNIT.upper())
    d.add_paragraph("Số: 27/BC-UBND")
    d.add_paragraph(f"{NEW_UNIT}, ngày 12 tháng 5 năm 2026")
    d.add_paragraph("BÁO CÁO")
    d.add_paragraph("Kết quả thực hiện chuyển đổi số tháng 5 năm 2026")
    d.add_paragraph("Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, "
                    f"UBND phường {NEW_UNIT} báo cáo kết quả chuyển đổi số tháng 5 năm 2026 như sau:")
    d.add_paragraph("I. KẾT QUẢ THỰC HIỆN")
    d.add_paragraph("1. Công tác cải cách thủ tục hành chính")
    d.add_paragraph("Trong kỳ báo cáo tiếp nhận 1.502 hồ sơ thủ tục hành chính.")
    d.add_paragraph(f"Tỷ lệ hồ sơ trực tuyến đạt {NEW_FIGURE}.")
    d.add_paragraph("II. KIẾN NGHỊ, ĐỀ XUẤT")
    d.add_paragraph("Đề nghị cấp trên hỗ trợ kinh phí nâng cấp đường truyền internet.")
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("store")
    env = {**os.environ, "RAG_STORE": str(store), "EMBED_MODEL": "none", "PYTHONUNBUFFERED": "1"}
    env.pop("APP_AUTH", None)
    ingest = subprocess.run([sys.executable, "-m", "ingest", str(REPORTS_DIR), "--store", str(store)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stdout[-2000:] + ingest.stderr[-4000:]
    port = _free_port()
    log_path = store.parent / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--store", str(store)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_http(url, proc, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def artifacts_dir() -> Path:
    d = Path(os.environ.get("APP_ARTIFACTS", ROOT / "tmp" / "artifacts"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#send")


def _last_bot_message(page):
    return page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").last


def test_chat_citations_upload_in_chromium(app_url: str, artifacts_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    remote: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100}, locale="vi-VN")
            page.on("request", lambda r: remote.append(r.url)
                    if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) else None)
            page.goto(app_url)
            page.wait_for_selector("#question textarea", timeout=60_000)

            # 1. The aggregate question: the four wards, at least four citations.
            _ask(page, QUESTION)
            page.wait_for_selector("#sources .source-item", timeout=ANSWER_TIMEOUT_MS)
            answer = _last_bot_message(page).inner_text()
            for ward in WARDS:
                assert ward in answer, answer
            n_sources = page.locator("#sources .source-item").count()
            assert n_sources >= 4, n_sources
            assert page.locator("#citation-pick label").count() == n_sources

            # 2. Open a citation: its passage with the cited sentence highlighted.
            page.locator("#citation-pick label").first.click()
            mark = page.locator("#passage mark").first
            expect(mark).to_be_visible(timeout=30_000)
            passage = page.locator("#passage").inner_text()
            assert any(w in passage for w in WARDS), passage
            assert "100" in mark.inner_text()
            # ... or by clicking a [n] marker in the answer itself.
            page.locator('#chatbot a[href="#nguon-2"]').last.click()
            expect(page.locator("#passage .passage")).to_have_attribute("data-n", "2", timeout=30_000)
            expect(page.locator("#passage mark").first).to_be_visible()
            page.locator("#citation-pick label").first.click()
            expect(page.locator("#passage .passage")).to_have_attribute("data-n", "1", timeout=30_000)
            shot = artifacts_dir / "chat.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")

            # 3. Indicators tab: one indicator across units, as a table and a bar chart.
            page.get_by_role("tab", name="Chỉ tiêu").click()
            page.locator("#indicator-key input").click()
            page.get_by_role("option", name=re.compile("số hóa hồ sơ")).first.click()
            for ward in WARDS:
                expect(page.locator("#indicator-table")).to_contain_text(ward, timeout=30_000)
            bars = page.locator("#indicator-chart .mark-rect path")
            expect(bars.nth(len(WARDS) - 1)).to_be_attached(timeout=30_000)  # at least one bar per ward
            page.click("#indicator-csv-btn")
            expect(page.locator("#indicator-csv")).to_contain_text(".csv", timeout=30_000)
            page.screenshot(path=str(artifacts_dir / "indicators.png"), full_page=True)

            # 4. Upload a .docx report of a new ward and ingest it.
            page.get_by_role("tab", name="Báo cáo").click()
            docx_path = build_docx(tmp_path / f"Báo cáo {NEW_UNIT}.docx")
            page.locator("#upload input[type=file]").set_input_files(str(docx_path))
            expect(page.locator("#upload")).to_contain_text(".docx", timeout=30_000)
            page.click("#ingest")
            expect(page.locator("#ingest-result")).to_contain_text("1/1 tệp nạp thành công",
                                                                   timeout=ANSWER_TIMEOUT_MS)
            expect(page.locator("#reports-table")).to_contain_text(NEW_UNIT, timeout=30_000)

            # 5. Its content is found in an answer.
            page.get_by_role("tab", name="Hỏi đáp").click()
            _ask(page, f"Tỷ lệ hồ sơ trực tuyến của phường {NEW_UNIT} là bao nhiêu?")
            expect(page.locator("#chatbot")).to_contain_text(NEW_FIGURE, timeout=ANSWER_TIMEOUT_MS)
            expect(page.locator("#sources")).to_contain_text(NEW_UNIT, timeout=30_000)
            page.screenshot(path=str(artifacts_dir / "chat_after_upload.png"), full_page=True)

            # 6. Evaluation tab: the fixed question set is scored, with summary, chart and failures.
            page.get_by_role("tab", name="Đánh giá").click()
            page.click("#eval-run")
            expect(page.locator("#eval-summary")).to_contain_text("Độ chính xác", timeout=EVAL_TIMEOUT_MS)
            expect(page.locator("#eval-charts img").first).to_be_visible(timeout=30_000)
            page.screenshot(path=str(artifacts_dir / "evaluation.png"), full_page=True)
        finally:
            browser.close()
    assert remote == [], f"the page contacted remote hosts: {remote}"
