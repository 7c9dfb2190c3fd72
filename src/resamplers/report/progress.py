"""A one-line progress bar on stderr, drawn only on a terminal (logs and tests stay clean)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``[#######.......]  12/47  4.1 s  what is running``, redrawn in place.

    >>> bar = Progress(2, stream=None)   # no stream: counts without drawing
    >>> bar.step("a"); bar.step("b"); bar.done
    2
    """

    WIDTH = 28

    def __init__(self, total: int, stream: TextIO | None = sys.stderr) -> None:
        self.total = max(total, 1)
        self.done = 0
        self._start = time.perf_counter()
        self._stream = stream if stream is not None and stream.isatty() else None

    def step(self, label: str = "") -> None:
        """Count one unit of work as finished and redraw, naming what comes next."""
        self.done = min(self.done + 1, self.total)
        if self._stream is None:
            return
        filled = round(self.WIDTH * self.done / self.total)
        line = (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done:>4}/{self.total}"
                f"  {time.perf_counter() - self._start:5.1f} s  {label}")
        self._stream.write("\r" + line[:100].ljust(100))
        self._stream.flush()

    def close(self) -> None:
        """Erase the bar, so the next output starts on a clean line."""
        if self._stream is not None:
            self._stream.write("\r" + " " * 100 + "\r")
            self._stream.flush()
