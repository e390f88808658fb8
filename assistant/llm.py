"""Optional LLM composition through an OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama).

The LLM receives the numbered passages of the extractive answer (as data inside tags, never as
instructions) and writes an answer with [n] markers; `verify` then keeps only the sentences
whose markers exist and whose numbers appear in their cited passages.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.verify import keep_verified, strip_untraced_markup

if TYPE_CHECKING:
    from assistant.models import Citation
    from index.settings import LLMSettings

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
NO_ANSWER = "Các báo cáo không nêu thông tin này."


@cache
def load_prompt(name: str) -> str:
    """A prompt file from prompts/ by name (without extension)."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt file missing: {path}")
    return path.read_text(encoding="utf-8").strip()


def _escape_tags(text: str) -> str:
    # A passage must not be able to close its own data block.
    return text.replace("<", "‹").replace(">", "›")


def build_messages(question: str, citations: Sequence[Citation]) -> list[tuple[str, str]]:
    """(role, content) pairs: the system rules, then the question with passages as data."""
    passage_tpl = load_prompt("passage")
    passages = "\n".join(
        passage_tpl.format(n=c.n, unit=_escape_tags(c.unit), section=_escape_tags(c.section),
                           text=_escape_tags(c.text))
        for c in citations)
    user = load_prompt("answer").format(question=_escape_tags(question), passages=passages)
    return [("system", load_prompt("system")), ("user", user)]


class LLMTimeout(TimeoutError):
    """The model did not answer within the total deadline. `user_note` is the Vietnamese note."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        shown = f"{seconds:g}".replace(".", ",")
        self.user_note = (f"Mô hình ngôn ngữ không phản hồi kịp trong {shown} giây; "
                          "hiển thị câu trả lời trích xuất.")
        super().__init__(f"LLM did not answer within {seconds:g} s")


class _Deadline:
    """A total deadline for one LLM request, enforced on its sockets.

    HTTP clients time out the gap between two reads, not the whole request: a server that trickles
    one byte every few seconds keeps a request alive forever. Each request of an LLM call registers
    its TCP socket here (httpcore's documented `trace` extension reports every new connection; the
    client keeps no idle connections, so every request opens one); when the deadline passes, a timer
    shuts the sockets down, which wakes the blocked read at once and fails the request.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if not event.endswith("connect_tcp.complete"):  # direct or through a proxy
            return
        sock = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._sockets.append(sock)
            late = self.expired
        if late:
            _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        log.warning("LLM request exceeded its %g s deadline; closing its connection", self.seconds)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


_current_deadline = threading.local()  # the _Deadline of the LLM call running in this thread


def _attach_deadline(request: Any) -> None:
    """httpx request hook: hand the request's connection events to the calling thread's deadline."""
    deadline = getattr(_current_deadline, "value", None)
    if deadline is not None:
        request.extensions["trace"] = deadline.trace


class LLMComposer:
    """Writes an answer from numbered passages with an OpenAI-compatible chat model.

    `LLM_TIMEOUT` is the total time one answer may take (connect, send, wait, receive); past it the
    request is cut and `compose` raises `LLMTimeout`.
    """

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.base_url:
            raise ValueError("LLM_BASE_URL is not set")
        self.settings = settings
        self._llm = None

    def warm_up(self) -> None:
        """Import and build the HTTP client now (about a second, once) instead of on the first answer."""
        self._client()

    def _client(self):
        if self._llm is None:
            import httpx
            from llama_index.llms.openai_like import OpenAILike

            # No idle connections: every request opens its own, so its deadline can cut it alone.
            http = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0), follow_redirects=True,
                                event_hooks={"request": [_attach_deadline]})
            self._llm = OpenAILike(model=self.settings.model, api_base=self.settings.base_url,
                                   api_key=self.settings.api_key, timeout=self.settings.timeout_s,
                                   max_retries=0, is_chat_model=True, temperature=0.0,
                                   context_window=8192, http_client=http)
        return self._llm

    def compose(self, question: str, citations: Sequence[Citation]) -> str:
        """The model's answer text; raises `LLMTimeout` past `LLM_TIMEOUT` seconds in total."""
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role=role, content=content) for role, content in build_messages(question, citations)]
        client = self._client()
        t0 = time.perf_counter()
        with _Deadline(self.settings.timeout_s) as deadline:
            _current_deadline.value = deadline
            try:
                response = client.chat(messages)
            except Exception as exc:
                if deadline.expired or time.perf_counter() - t0 >= self.settings.timeout_s:
                    raise LLMTimeout(self.settings.timeout_s) from exc
                raise
            finally:
                _current_deadline.value = None
        text = (response.message.content or "").strip()
        if not text:
            raise RuntimeError("empty LLM response")
        return text

    def verify(self, text: str, citations: Sequence[Citation]) -> tuple[str, int]:
        """Keep the verified sentences; returns (text, number of sentences dropped).

        Images, links and active HTML the passages do not contain are removed first (a model must
        not make the browser fetch a URL, nor show a link no report holds)."""
        if text.strip() == NO_ANSWER:
            return "", 0
        text, removed = strip_untraced_markup(text, [c.text for c in citations])
        if removed:
            log.warning("removed %d image/link/HTML item(s) from the LLM answer that no passage holds", removed)
        return keep_verified(text, citations)
