"""Small web-server pieces that need no UI framework: the page language, the local port check,
and the key that encrypts conversations kept in the browser."""

from __future__ import annotations

import errno
import os
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

_HTML_LANG_RE = re.compile(rb"<html(\s+)lang=\"en\"", re.IGNORECASE)
SECRET_NAME = ".browser_secret"


class HtmlPageMiddleware:
    """Serve HTML pages as `<html lang="vi">` (the framework's page template says "en", so
    browsers offer to translate a page that is Vietnamese) with our `head` snippet (the page
    script) in every page, the login page included (the framework adds its own `head` option
    only after login)."""

    def __init__(self, app: ASGIApp, lang: str = "vi", head: str = "") -> None:
        self.app = app
        self.lang = lang.encode()
        self.head = head.encode()

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        # Only the app's page (and its login page), never a served file that happens to be HTML.
        if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD") or \
                scope.get("path", "/").rstrip("/") != "":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                is_html = headers.get(b"content-type", b"").startswith(b"text/html")
                if not is_html or headers.get(b"content-encoding"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                data = _HTML_LANG_RE.sub(lambda m: b"<html" + m.group(1) + b'lang="' + self.lang + b'"',
                                         b"".join(body), count=1)
                if self.head:
                    data = data.replace(b"</head>", self.head + b"\n</head>", 1)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(data)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": data})
                return
            await send(message)

        await self.app(scope, receive, wrapped)


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (checked before the app loads)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def busy_port_message(host: str, port: int) -> str:
    return (f"Không mở được ứng dụng: cổng {port} trên {host} đang được một chương trình khác dùng "
            f"(có thể là một cửa sổ trợ lý đang chạy). Hãy đóng chương trình đó, hoặc chạy với cổng khác, "
            f"ví dụ: python app.py --port {port + 1}")


def browser_secret(store: Path) -> str:
    """The key of the conversations stored in browsers, kept in the store so they survive restarts."""
    path = Path(store) / SECRET_NAME
    try:
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 16:
            return value
    except OSError:
        pass
    value = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value
