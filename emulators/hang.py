"""Lost responses for the emulators (test infrastructure): the next matching
HTTP requests are performed, then answered only after ``seconds``, so that a
client whose timeout is shorter gives up on a request the provider did carry
out (a timeout after the provider's write, as a stalled proxy or a dying
connection makes it)."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass


@dataclass
class Hang:
    seconds: float
    times: int
    method: str | None = None
    path_regex: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return self.path_regex is None or re.search(self.path_regex, path) is not None


class Hangs:
    """The hangs of one emulator; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hangs: list[Hang] = []
        self.taken = 0  # requests answered late so far

    def add(self, seconds, times=1, method=None, path_regex=None) -> Hang:
        hang = Hang(seconds, times, method, path_regex)
        with self._lock:
            self._hangs.append(hang)
        return hang

    def clear(self) -> None:
        with self._lock:
            self._hangs.clear()

    def wait(self, method: str, path: str) -> None:
        """Called by the HTTP handler after the request was performed."""
        with self._lock:
            hang = next((h for h in self._hangs if h.matches(method, path)), None)
            if hang is not None:
                hang.times -= 1
                self.taken += 1
        if hang is not None:
            time.sleep(hang.seconds)
