"""The app around the UI: uploads staging, login throttling, page language, port check, the
Gradio entry point (app.py) and its login in front of every route."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webapp.auth import LoginThrottle, parse_auth
from webapp.uploads import (
    UploadError,
    UploadRegistry,
    discard_cached_copy,
    drop_other_formats,
    find_leftovers,
    safe_doc_id,
    scrub_paths,
    stage_upload,
)
from webapp.web import HtmlPageMiddleware, browser_secret, port_in_use

ROOT = Path(__file__).resolve().parent.parent


class TestSafeDocId:
    def test_safe_name_kept(self) -> None:
        assert safe_doc_id("000_72c868d4104a62a0.txt") == "000_72c868d4104a62a0"

    def test_accents_folded_and_hashed(self) -> None:
        assert re.fullmatch(r"Bao_cao_thang_5_-_Phuong_Dong_[0-9a-f]{8}", safe_doc_id("Báo cáo tháng 5 - Phường Đông.docx"))

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
        assert dest.read_bytes() == b"abc" and src.exists()

    def test_refuses_unknown_suffix_with_what_to_do(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"abc")
        with pytest.raises(UploadError) as err:
            stage_upload(src, "bao cao cu.doc", tmp_path / "up", 1000)
        assert str(err.value) == ("bao cao cu.doc: định dạng .doc không được hỗ trợ (chỉ nhận .txt, .md, .docx, "
                                  ".pdf); hãy lưu lại dưới dạng .docx, .pdf hoặc .txt rồi tải lên lại.")
        assert not (tmp_path / "up").exists()

    def test_refuses_too_large_in_vietnamese_numbers(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"a" * 2_000_000)
        with pytest.raises(UploadError, match=r"^a\.pdf: tệp quá lớn \(1,9 MB, giới hạn 1 MB\)\.$"):
            stage_upload(src, "a.pdf", tmp_path / "up", 1_048_576)

    def test_refuses_empty(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"")
        with pytest.raises(UploadError, match=r"^a\.md: tệp rỗng\.$"):
            stage_upload(src, "a.md", tmp_path / "up", 1000)

    def test_new_format_supersedes_old(self, tmp_path: Path) -> None:
        src = tmp_path / "x"
        src.write_bytes(b"abc")
        up = tmp_path / "up"
        stage_upload(src, "bc.txt", up, 1000)
        new = stage_upload(src, "bc.docx", up, 1000)
        assert sorted(p.name for p in up.iterdir()) == ["bc.docx", "bc.txt"]
        drop_other_formats(new)
        assert sorted(p.name for p in up.iterdir()) == ["bc.docx"]


def test_registry_keeps_uploaded_names(tmp_path: Path) -> None:
    reg = UploadRegistry(tmp_path / "up")
    reg.set("bc", "Báo cáo tháng 5.docx")
    assert UploadRegistry(tmp_path / "up").get("bc").name == "Báo cáo tháng 5.docx"
    reg.forget("bc")
    assert reg.get("bc") is None and reg.all() == {}
    (tmp_path / "up" / ".names.json").write_text("{hỏng", encoding="utf-8")
    assert reg.all() == {}


def test_leftovers_after_a_crash(tmp_path: Path) -> None:
    from index.pipeline import file_sha256

    up = tmp_path / "up"
    up.mkdir()
    done = up / "da_nap.txt"
    done.write_text("đã nạp", encoding="utf-8")
    (up / "da_nap.txt.bak").write_text("bản cũ", encoding="utf-8")
    (up / "chua_nap.txt").write_text("chưa nạp", encoding="utf-8")
    (up / ".chua_nap.docx.part").write_bytes(b"nua")
    (up / "mat_ban_moi.pdf.bak").write_bytes(b"%PDF cu")
    left = find_leftovers(up, {"da_nap": file_sha256(done), "mat_ban_moi": "x"})
    assert [lo.path.name for lo in left] == ["chua_nap.txt"]
    assert sorted(p.name for p in up.iterdir()) == ["chua_nap.txt", "da_nap.txt", "mat_ban_moi.pdf"]


def test_cached_copy_only_inside_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    inside = cache / "h1" / "a.txt"
    inside.parent.mkdir(parents=True)
    inside.write_text("x")
    outside = tmp_path / "b.txt"
    outside.write_text("x")
    assert discard_cached_copy(inside, cache) and not inside.parent.exists() and cache.exists()
    assert not discard_cached_copy(outside, cache) and outside.exists()
    assert not discard_cached_copy(outside, None)


def test_scrub_paths() -> None:
    msg = "/srv/store/uploads/bc_1a2b.docx: không đọc được (lỗi trong /srv/store/uploads/x/y.xml)"
    out = scrub_paths(msg, {"/srv/store/uploads/bc_1a2b.docx": "Báo cáo.docx"}, [Path("/srv/store")])
    assert out == "Báo cáo.docx: không đọc được (lỗi trong y.xml)"


class TestLoginThrottle:
    def _throttle(self) -> tuple[LoginThrottle, list[float], list[float]]:
        now = [0.0]
        slept: list[float] = []

        async def sleep(s: float) -> None:
            slept.append(s)
            now[0] += s

        t = LoginThrottle("canbo", "mat:khau", free_failures=3, base_delay_s=1.0, max_delay_s=8.0,
                          global_free_failures=5, clock=lambda: now[0], sleep=sleep)
        return t, slept, now

    def test_failures_slow_down_and_success_resets(self) -> None:
        t, slept, _now = self._throttle()

        async def run() -> list[bool]:
            out = [await t.check("canbo", "sai") for _ in range(7)]
            out.append(await t.check("canbo", "mat:khau"))
            out.append(await t.check("canbo", "sai"))
            return out

        results = asyncio.run(run())
        assert results == [False] * 7 + [True, False]
        # 3 free failures, then 1, 2, 4, 8 (capped); the success waited 8 too and cleared the name's
        # record; the last failure still waits for the failures of all names together (7 > 5: 4 s).
        assert slept == [1.0, 2.0, 4.0, 8.0, 8.0, 4.0]

    def test_parallel_attempts_wait_in_line(self) -> None:
        t, slept, _now = self._throttle()

        async def run() -> list[bool]:
            return list(await asyncio.gather(*(t.check("canbo", f"sai{i}") for i in range(6))))

        assert asyncio.run(run()) == [False] * 6
        assert slept == [1.0, 2.0, 4.0]

    def test_many_names_share_a_budget(self) -> None:
        t, slept, _now = self._throttle()

        async def run() -> None:
            for i in range(8):
                await t.check(f"ten{i}", "sai")

        asyncio.run(run())
        assert slept == [1.0, 2.0, 4.0]  # after 5 failures across names

    def test_forgotten_after_a_while(self) -> None:
        t, slept, now = self._throttle()

        async def run() -> None:
            for _ in range(4):
                await t.check("canbo", "sai")
            now[0] += 10_000
            await t.check("canbo", "sai")

        asyncio.run(run())
        assert slept == [1.0]

    def test_bad_settings(self) -> None:
        with pytest.raises(ValueError, match="bad throttle settings"):
            LoginThrottle("a", "b", base_delay_s=0)


def test_parse_auth() -> None:
    assert parse_auth("admin:pa:ss") == ("admin", "pa:ss")
    assert parse_auth(None) is None
    with pytest.raises(ValueError, match="tên:mật_khẩu"):
        parse_auth("admin")


def test_page_middleware_sets_lang_and_head() -> None:
    async def page(scope, receive, send) -> None:
        body = b'<!doctype html>\n<html\n\tlang="en"\n><head></head>x</html>'
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"40")]})
        await send({"type": "http.response.body", "body": body[:20], "more_body": True})
        await send({"type": "http.response.body", "body": body[20:]})

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request"}

    app = HtmlPageMiddleware(page, head="<script>1</script>")
    asyncio.run(app({"type": "http", "method": "GET", "path": "/"}, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert body == b'<!doctype html>\n<html\n\tlang="vi"\n><head><script>1</script>\n</head>x</html>'
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()


def test_browser_secret_survives_restarts(tmp_path: Path) -> None:
    first = browser_secret(tmp_path)
    assert len(first) >= 16 and browser_secret(tmp_path) == first
    assert oct((tmp_path / ".browser_secret").stat().st_mode & 0o777) == "0o600"


def test_busy_port_gets_one_vietnamese_line(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
        proc = subprocess.run([sys.executable, "app.py", "--port", str(port), "--store", str(tmp_path / "s")],
                              cwd=ROOT, env={**os.environ, "EMBED_MODEL": "none"}, capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"Không mở được ứng dụng: cổng {port} trên 127.0.0.1 đang được một chương trình "
                                   "khác dùng (có thể là một cửa sổ trợ lý đang chạy). Hãy đóng chương trình đó, hoặc "
                                   f"chạy với cổng khác, ví dụ: python app.py --port {port + 1}")
    assert "Traceback" not in proc.stderr + proc.stdout


def test_defaults_are_safe() -> None:
    import app

    args = app.parse_args([])
    assert (args.host, args.port, args.auth) == ("127.0.0.1", 7860, None)


def test_only_app_py_imports_gradio() -> None:
    """Only app.py imports gradio (STYLE.md): not the answering code, not the UI backend."""
    offenders = [p.relative_to(ROOT).as_posix() for d in ("assistant", "index", "ingest", "eval", "webapp")
                 for p in (ROOT / d).rglob("*.py")
                 if re.search(r"^\s*(import gradio|from gradio)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []
    assert not (ROOT / "assistant" / "ui_helpers.py").exists()


def test_gradio_translation_keys_exist() -> None:
    """Every key we translate is one of Gradio's own (a typo would silently stay English)."""
    import gradio

    from webapp.i18n import GRADIO_STRINGS

    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    core = next(p for p in assets.glob("core-*.js") if "copy_message" in p.read_text(encoding="utf-8"))
    text = core.read_text(encoding="utf-8")
    missing = [k for k in GRADIO_STRINGS if not re.search(r"[{,]" + re.escape(k.split(".")[1]) + r":`", text)]
    assert missing == []


def test_build_ui_constructs(tmp_path: Path) -> None:
    import app
    from assistant.services import build_services
    from index.settings import EmbedSettings, Settings
    from webapp.backend import AppBackend

    settings = Settings(store=tmp_path / "s", embed=EmbedSettings(model="none"))
    demo = app.build_ui(AppBackend(settings, build_services(settings)))
    assert demo.title == "Trợ lý báo cáo chuyển đổi số"
    head = app.page_head(AppBackend(settings, build_services(settings)))
    cfg = json.loads(head.split("window.APP_CFG = ", 1)[1].split(";</script>", 1)[0])
    assert cfg["maxBytes"] == 20 * 1_048_576 and cfg["suffixes"] == [".txt", ".md", ".docx", ".pdf"]


def _start_app(tmp_path: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "EMBED_MODEL": "none", **env_extra}
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--store", str(tmp_path / "s")],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def test_auth_guards_every_route_and_throttles(tmp_path: Path) -> None:
    """`--auth` puts a login in front of the page config and the API; wrong passwords slow down."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    proc, base = _start_app(tmp_path, {"APP_AUTH": "canbo:mat:khau"})
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
        page = urllib.request.urlopen(base + "/", timeout=10).read().decode()
        assert '<html\n\tlang="vi"' in page
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        bad = urllib.parse.urlencode({"username": "canbo", "password": "sai"}).encode()
        took = []
        for _ in range(5):
            t0 = time.monotonic()
            with pytest.raises(urllib.error.HTTPError):
                opener.open(base + "/login", data=bad, timeout=60)
            took.append(time.monotonic() - t0)
        assert max(took[:3]) < 0.9 and took[3] >= 1.0 and took[4] >= 2.0, took
        good = urllib.parse.urlencode({"username": "canbo", "password": "mat:khau"}).encode()
        assert opener.open(base + "/login", data=good, timeout=60).status == 200
        assert opener.open(base + "/config", timeout=10).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
