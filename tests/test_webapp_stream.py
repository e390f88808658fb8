"""Streaming LLM answers (webapp/llm_stream.py) against a local server speaking the OpenAI
protocol with server-sent events: pieces arrive as they are sent, the final answer is the
answerer's verified one, a stop or the total deadline ends the stream at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.models import Citation
from tests.fake_llm_stream import FakeStreamingServer
from webapp.backend import AppBackend, Delta
from webapp.chat import ChatController
from webapp.conversation import Library
from webapp.llm_stream import StreamingComposer, StreamStopped, StreamTimeout, sse_deltas

REPORT = """Số: 12/BC-UBND

Hòa Bình, ngày 10 tháng 5 năm 2026

BÁO CÁO
Kết quả chuyển đổi số tháng 4 năm 2026

UBND phường Hòa Bình báo cáo kết quả chuyển đổi số tháng 4 năm 2026 như sau:

I. KẾT QUẢ THỰC HIỆN
1. Dịch vụ công trực tuyến
- Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 87,5%
"""
QUESTION = "Tỷ lệ hồ sơ trực tuyến toàn trình của phường Hòa Bình là bao nhiêu?"
REPLY = "Theo báo cáo, tỷ lệ hồ sơ trực tuyến toàn trình của phường Hòa Bình đạt 87,5% [1]."
CITATIONS = [Citation(1, "hb", "Hòa Bình", "I > 1", ["hb:p1"], "- Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 87,5%")]


def _backend(tmp_path: Path, url: str, timeout: float = 5.0) -> AppBackend:
    from assistant.services import build_services
    from index.settings import EmbedSettings, LLMSettings, Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hb_2026_04.txt").write_text(REPORT, encoding="utf-8")
    settings = Settings(RAG_STORE=str(tmp_path / "store"), embed=EmbedSettings(EMBED_MODEL="none"),
                        llm=LLMSettings(LLM_BASE_URL=url, LLM_MODEL="m", LLM_TIMEOUT=timeout))
    svc = build_services(settings)
    svc.ingestor.ingest_paths([corpus])
    return AppBackend(settings, svc)


def test_sse_deltas() -> None:
    lines = ['data: {"choices": [{"delta": {"role": "assistant"}}]}', "", ": keep-alive",
             'data: {"choices": [{"delta": {"content": "Tỷ lệ "}}]}', "data: không phải json",
             'data: {"choices": [{"delta": {"content": "87,5%"}}]}', "data: [DONE]",
             'data: {"choices": [{"delta": {"content": "sau DONE"}}]}']
    assert list(sse_deltas(iter(lines))) == ["Tỷ lệ ", "87,5%"]


class _Settings:
    def __init__(self, url: str, timeout: float) -> None:
        self.base_url, self.model, self.api_key, self.timeout_s = url, "m", "k", timeout


class _Composer:
    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.settings = _Settings(url, timeout)
        self.plain_calls = 0

    def compose(self, question: str, citations: object) -> str:
        self.plain_calls += 1
        return "không dùng luồng"

    def verify(self, text: str, citations: object) -> tuple[str, int]:
        return text, 0


def test_pieces_reach_the_sink_as_they_arrive() -> None:
    with FakeStreamingServer(REPLY, pieces=4, delay_s=0.3) as server:
        sc = StreamingComposer(_Composer(server.base_url))
        got: list[tuple[float, str]] = []
        t0 = time.monotonic()
        with sc.routed(lambda p: got.append((time.monotonic() - t0, p)), threading.Event()):
            text = sc.compose(QUESTION, CITATIONS)
        body = server.requests[0]
    assert text == REPLY
    assert "".join(p for _t, p in got) == REPLY and len(got) == 4
    assert got[0][0] < 0.5 and got[-1][0] >= 0.85  # the first piece long before the last
    assert body["stream"] is True and body["messages"][0]["role"] == "system"
    assert sc.composer.plain_calls == 0
    # A thread without a sink (CLI, evaluation) gets the plain composer.
    assert sc.compose(QUESTION, CITATIONS) == "không dùng luồng"


def test_total_deadline_cuts_a_trickling_server() -> None:
    with FakeStreamingServer(REPLY, trickle_s=0.3) as server:
        sc = StreamingComposer(_Composer(server.base_url, timeout=1.5))
        t0 = time.monotonic()
        with sc.routed(lambda _p: None, threading.Event()), pytest.raises(StreamTimeout) as err:
            sc.compose(QUESTION, CITATIONS)
        took = time.monotonic() - t0
    assert 1.4 <= took < 2.5, took
    assert err.value.user_note == ("Mô hình ngôn ngữ không trả lời kịp trong 1,5 giây; "
                                   "hiển thị câu trả lời trích xuất.")


def test_stop_ends_the_stream_at_once() -> None:
    with FakeStreamingServer(REPLY, pieces=20, delay_s=0.5) as server:
        sc = StreamingComposer(_Composer(server.base_url, timeout=30))
        stop = threading.Event()
        threading.Timer(0.6, stop.set).start()
        got: list[str] = []
        t0 = time.monotonic()
        with sc.routed(got.append, stop), pytest.raises(StreamStopped):
            sc.compose(QUESTION, CITATIONS)
        assert time.monotonic() - t0 < 1.2
        assert 1 <= len(got) < 20


def test_backend_streams_then_gives_the_verified_answer(tmp_path: Path) -> None:
    with FakeStreamingServer(REPLY, pieces=5, delay_s=0.05) as server:
        backend = _backend(tmp_path, server.base_url)
        events = list(backend.ask_stream(QUESTION, [], None, threading.Event()))
        # The answerer's own LLM path (not routed: the CLI) still works, without streaming.
        plain = backend.services.answerer.ask(QUESTION)
        streamed = [r.get("stream") for r in server.requests]
    deltas = [e.text for e in events if isinstance(e, Delta)]
    final = events[-1]
    assert "".join(deltas) == REPLY and len(deltas) == 5
    assert final.mode == "llm" and final.answer == REPLY and "87,5%" in final.citations[0].text
    assert plain.mode == "llm" and plain.answer == REPLY
    assert [bool(s) for s in streamed] == [True, False]
    assert backend.llm_model == "m"


def test_unverifiable_stream_falls_back_to_the_extractive_answer(tmp_path: Path) -> None:
    with FakeStreamingServer("Tỷ lệ là 100%.", pieces=2, delay_s=0.01) as server:
        backend = _backend(tmp_path, server.base_url)
        final = list(backend.ask_stream(QUESTION, [], None, threading.Event()))[-1]
    assert final.mode == "extractive" and final.answer.startswith("87,5%")
    assert any("không kiểm chứng" in n for n in final.notes)


def test_chat_stop_keeps_the_streamed_text(tmp_path: Path) -> None:
    with FakeStreamingServer(REPLY, pieces=12, delay_s=0.4) as server:
        backend = _backend(tmp_path, server.base_url, timeout=30)
        chat, lib = ChatController(backend), Library()
        chat.start(lib, QUESTION, {})
        gen = chat.answer(lib)
        first = next(gen)
        assert first and REPLY.startswith(first.strip().split(" ")[0])
        assert chat.busy(lib) and list(chat.answer(lib)) == [None]  # a second event does not answer it again
        assert chat.stop(chat.current(lib))
        turn = chat.current(lib).turns[0]
        assert turn.stopped and REPLY.startswith(turn.answer["answer"].strip())
        rest = list(gen)  # the answer thread notices the stop and ends
        assert rest[-1] is None and turn.answer["citations"] == []
        chat.start(lib, QUESTION, {})  # the next question is its own turn
        assert len(chat.current(lib).turns) == 2


def test_a_trickling_model_gives_the_extractive_answer_in_time(tmp_path: Path) -> None:
    with FakeStreamingServer(REPLY, pieces=2, delay_s=0.01) as server:
        backend = _backend(tmp_path, server.base_url, timeout=1.5)
        assert list(backend.ask_stream(QUESTION, [], None, threading.Event()))[-1].mode == "llm"  # warm
        server.trickle_s = 0.3  # from now on: one byte every 0.3 s, never the end
        t0 = time.monotonic()
        final = list(backend.ask_stream(QUESTION, [], None, threading.Event()))[-1]
        took = time.monotonic() - t0
    assert took < 1.5 + 2, took
    assert final.mode == "extractive" and final.answer.startswith("87,5%")
    assert "Mô hình ngôn ngữ không trả lời kịp trong 1,5 giây; hiển thị câu trả lời trích xuất." in final.notes


def test_start_up_warms_the_answerer_without_asking_the_model(tmp_path: Path) -> None:
    with FakeStreamingServer(REPLY, pieces=2, delay_s=0.01) as server:
        backend = _backend(tmp_path, server.base_url)
        backend.start_background().join(timeout=120)
        assert server.requests == []
        t0 = time.monotonic()
        final = list(backend.ask_stream(QUESTION, [], None, threading.Event()))[-1]
        assert final.mode == "llm" and time.monotonic() - t0 < 2.0
