"""A local OpenAI-protocol server that streams its reply (server-sent events), piece by piece.

`reply` is the text to send, cut into `pieces` parts sent `delay_s` apart ("stream": true), or
sent whole (without "stream"). `trickle_s` > 0 makes it send one byte every `trickle_s` seconds
forever (a server that never finishes). Every request body is kept in `requests`.
Used by the app's streaming tests and the browser test (run as a module: `python -m
tests.fake_llm_stream PORT REPLY DELAY`).
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def split_pieces(text: str, n: int) -> list[str]:
    words = text.split(" ")
    size = max(1, -(-len(words) // max(1, n)))
    return [" ".join(words[i:i + size]) + (" " if i + size < len(words) else "") for i in range(0, len(words), size)]


class FakeStreamingServer:
    def __init__(self, reply: str, pieces: int = 8, delay_s: float = 0.05, trickle_s: float = 0.0,
                 port: int = 0) -> None:
        self.reply, self.pieces, self.delay_s, self.trickle_s = reply, pieces, delay_s, trickle_s
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                if not self.path.endswith("/chat/completions"):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    if body.get("stream"):
                        self._stream(body)
                    else:
                        self._whole(body)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    server.disconnects += 1

            def _whole(self, body: dict[str, Any]) -> None:
                payload = {"id": "x", "object": "chat.completion", "created": int(time.time()),
                           "model": body.get("model", "m"),
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": server.reply}}]}
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                if server.trickle_s > 0:
                    while True:
                        self.wfile.write(b":")
                        self.wfile.flush()
                        time.sleep(server.trickle_s)
                for piece in split_pieces(server.reply, server.pieces):
                    event = {"id": "x", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": body.get("model", "m"),
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(server.delay_s)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeStreamingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        with contextlib.suppress(OSError):
            self._httpd.server_close()


if __name__ == "__main__":  # pragma: no cover - used by hand
    with FakeStreamingServer(sys.argv[2], delay_s=float(sys.argv[3]), port=int(sys.argv[1])) as s:
        print(s.base_url, flush=True)
        threading.Event().wait()
