"""Login for `--auth user:password`, with repeated failures slowed down.

`LoginThrottle.check` is what the web server's login route awaits. Attempts for one user name
run one at a time; after `free_failures` wrong passwords each further attempt for that name
first waits `base_delay_s`, doubling per failure up to `max_delay_s` (a success resets it). All
names together share a second, looser budget, so trying many names does not escape the delay.
Waiting is `asyncio.sleep`: the server keeps serving everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

GLOBAL_KEY = "\x00all"


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """"user:password" -> (user, password); the password may contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth / APP_AUTH phải có dạng tên:mật_khẩu (ví dụ canbo:matkhau)")
    return user, password


@dataclass(slots=True)
class _Record:
    failures: int = 0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, user: str, password: str, *, free_failures: int = 3, base_delay_s: float = 1.0,
                 max_delay_s: float = 30.0, global_free_failures: int = 20, forget_after_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if free_failures < 0 or base_delay_s <= 0 or max_delay_s < base_delay_s:
            raise ValueError(f"bad throttle settings: free={free_failures} base={base_delay_s} max={max_delay_s}")
        self._user, self._password = user, password
        self.free_failures, self.base_delay_s, self.max_delay_s = free_failures, base_delay_s, max_delay_s
        self.global_free_failures, self.forget_after_s = global_free_failures, forget_after_s
        self._clock, self._sleep = clock, sleep
        self._records: dict[str, _Record] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def delay_for(self, key: str, free: int) -> float:
        rec = self._records.get(key)
        if rec is None or rec.failures < free:
            return 0.0
        if self._clock() - rec.last > self.forget_after_s:
            self._records.pop(key, None)
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2 ** (rec.failures - free))

    def _note(self, key: str, ok: bool) -> None:
        if ok:
            self._records.pop(key, None)
            return
        rec = self._records.setdefault(key, _Record())
        rec.failures += 1
        rec.last = self._clock()

    async def check(self, username: str, password: str) -> bool:
        """True for the right user name and password, after any delay the earlier failures earned."""
        name = (username or "").strip().casefold()[:200]
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            delay = self.delay_for(name, self.free_failures)
            if self.delay_for(GLOBAL_KEY, self.global_free_failures):
                # Many names failing: attempts wait in one line, each for the global delay.
                async with self._locks.setdefault(GLOBAL_KEY, asyncio.Lock()):
                    delay = max(delay, self.delay_for(GLOBAL_KEY, self.global_free_failures))
                    ok = await self._attempt(name, username, password, delay)
            else:
                ok = await self._attempt(name, username, password, delay)
            if len(self._locks) > 10_000:  # names tried once stay bounded
                self._locks = {k: v for k, v in self._locks.items() if v.locked() or k in self._records}
            return ok

    async def _attempt(self, name: str, username: str, password: str, delay: float) -> bool:
        if delay:
            log.warning("login for %r slowed down by %.1f s after repeated failures", name, delay)
            await self._sleep(delay)
        ok = (hmac.compare_digest(username.strip().encode(), self._user.encode())
              and hmac.compare_digest(password.encode(), self._password.encode()))
        self._note(name, ok)
        if not ok:
            self._note(GLOBAL_KEY, False)
        return ok
