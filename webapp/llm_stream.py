"""Streaming LLM answers for the app, without changing the answering code.

`StreamingComposer` wraps the answerer's `assistant.llm.LLMComposer` and keeps its interface
(`compose(question, citations) -> str`, `verify(text, citations)`): the answerer runs exactly
as before (LLM, verification, extractive fallback, notes), but while a chat request has routed a
sink to its thread (`routed(sink, stop)`), `compose` streams the model's reply from the same
OpenAI-compatible endpoint (`"stream": true`, server-sent events) and hands every piece of text
to the sink as it arrives. Threads without a sink (CLI, evaluation) get the plain `compose`.

The stream has a total deadline (`LLM_TIMEOUT`), and a user's stop ends it at once: its TCP
socket is shut down (a blocked read wakes immediately), so a trickling server cannot hold the
request. Both raise an exception the answerer turns into its extractive fallback.

NOTE for the answering code: this is the one place that needs a streaming API on
`LLMComposer`; it could move there as `LLMComposer.stream(question, citations)`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from webapp import fmt

if TYPE_CHECKING:
    from assistant.models import Citation

log = logging.getLogger(__name__)

Sink = Callable[[str], None]


class StreamStopped(Exception):
    """The user stopped the answer."""

    user_note = "Đã dừng theo yêu cầu."


class StreamTimeout(TimeoutError):
    """The model did not finish within the total deadline; `user_note` is the Vietnamese note."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.user_note = (f"Mô hình ngôn ngữ không trả lời kịp trong {fmt.number(seconds)} giây; "
                          "hiển thị câu trả lời trích xuất.")
        super().__init__(f"LLM stream did not finish within {seconds:g} s")


class _Route(threading.local):
    sink: Sink | None = None
    stop: threading.Event | None = None


class _Cutter:
    """Shuts down the sockets of one streaming request (httpcore's `trace` extension reports each
    new TCP connection) when the deadline passes or the user stops."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.cut = False

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if not event.endswith("connect_tcp.complete"):
            return
        sock = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._sockets.append(sock)
            late = self.cut
        if late:
            _shutdown(sock)

    def __call__(self) -> None:
        with self._lock:
            self.cut = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    """The text pieces of an OpenAI chat-completions event stream (`data: {...}` lines)."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            event = json.loads(data)
        except ValueError:
            log.warning("unreadable stream event skipped: %.80r", data)
            continue
        for choice in event.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                yield piece


class StreamingComposer:
    """`LLMComposer` with streaming for threads that routed a sink (see module docstring)."""

    def __init__(self, composer: Any) -> None:
        self.composer = composer
        self.settings = composer.settings
        self._route = _Route()

    # -- the LLMComposer interface ---------------------------------------------------------------
    def compose(self, question: str, citations: Sequence[Citation]) -> str:
        sink, stop = self._route.sink, self._route.stop
        if sink is None:
            return self.composer.compose(question, citations)
        return self.stream(question, citations, sink, stop or threading.Event())

    def verify(self, text: str, citations: Sequence[Citation]) -> tuple[str, int]:
        return self.composer.verify(text, citations)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.composer, name)

    # -- streaming --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def routed(self, sink: Sink, stop: threading.Event) -> Iterator[None]:
        """Within this block (in this thread), `compose` streams into `sink` until `stop` is set."""
        self._route.sink, self._route.stop = sink, stop
        try:
            yield
        finally:
            self._route.sink, self._route.stop = None, None

    def _request(self, question: str, citations: Sequence[Citation]) -> tuple[str, dict[str, str], dict]:
        from assistant.llm import build_messages

        url = self.settings.base_url.rstrip("/") + "/chat/completions"
        headers = {"Accept": "text/event-stream"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        payload = {"model": self.settings.model, "temperature": 0.0, "stream": True,
                   "messages": [{"role": r, "content": c} for r, c in build_messages(question, citations)]}
        return url, headers, payload

    def stream(self, question: str, citations: Sequence[Citation], sink: Sink, stop: threading.Event) -> str:
        """Stream the answer into `sink`; return the whole text. Raises StreamStopped, StreamTimeout
        or the HTTP error (the answerer then keeps its extractive answer)."""
        import httpx

        if stop.is_set():
            raise StreamStopped()
        url, headers, payload = self._request(question, citations)
        limit = float(self.settings.timeout_s)
        cutter = _Cutter()
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

        def read() -> None:
            try:
                with httpx.Client(timeout=limit, follow_redirects=True) as client, client.stream(
                        "POST", url, json=payload, headers=headers, extensions={"trace": cutter.trace}) as resp:
                    resp.raise_for_status()
                    for piece in sse_deltas(resp.iter_lines()):
                        pieces.put(("text", piece))
                pieces.put(("done", None))
            except BaseException as exc:  # handed to the waiting thread
                pieces.put(("error", exc))

        reader = threading.Thread(target=read, name="llm-stream", daemon=True)
        t0 = time.monotonic()
        reader.start()
        text: list[str] = []
        try:
            while True:
                if stop.is_set():
                    raise StreamStopped()
                left = limit - (time.monotonic() - t0)
                if left <= 0:
                    log.warning("LLM stream exceeded its %g s deadline; cut", limit)
                    raise StreamTimeout(limit)
                try:
                    kind, value = pieces.get(timeout=min(left, 0.2))
                except queue.Empty:
                    continue
                if kind == "text":
                    text.append(value)
                    sink(value)
                elif kind == "done":
                    break
                else:
                    raise value
        finally:
            cutter()  # no-op after a clean end; wakes a blocked read otherwise
        out = "".join(text).strip()
        if not out:
            raise RuntimeError("empty LLM response")
        return out
