"""A small local HTTP server speaking the OpenAI chat-completions protocol, with canned replies."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAIServer:
    """Serves POST /v1/chat/completions; replies are taken in order (the last one repeats).

    A reply of the form ("sleep", seconds) makes the server stall (to test timeouts); a reply
    ("trickle", seconds) sends the status line at once, then the rest of the response one byte every
    `seconds` (a server that is slow on purpose or broken: every single read returns in time).
    Every received request body is kept in `requests`.
    """

    def __init__(self, replies: list[Any]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                reply = server.replies.pop(0) if len(server.replies) > 1 else server.replies[0]
                trickle = 0.0
                if isinstance(reply, tuple) and reply[0] == "sleep":
                    time.sleep(reply[1])
                    reply = "Trễ."
                elif isinstance(reply, tuple) and reply[0] == "trickle":
                    trickle, reply = reply[1], "Trễ."
                if not self.path.endswith("/chat/completions"):
                    self.send_response(404)
                    self.end_headers()
                    return
                payload = {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "test"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                if trickle:
                    self._trickle(data, trickle)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up (timeouts)
                    self.wfile.write(data)

            def _trickle(self, data: bytes, interval: float) -> None:
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(data)}\r\n\r\n").encode("ascii")
                self.wfile.write(head[:9])
                self.wfile.flush()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                    for i in range(9, len(head) + len(data)):
                        if server.stopped.wait(interval):
                            return
                        self.wfile.write((head + data)[i:i + 1])
                        self.wfile.flush()
                        server.trickled += 1

        self.stopped = threading.Event()
        self.trickled = 0  # bytes sent one by one after the first ones
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopped.set()
        self._httpd.shutdown()
        self._httpd.server_close()
