"""Tables that scripts keep inside a markdown page, between two marker comments."""

from __future__ import annotations

import re
from pathlib import Path


def replace_between(page: Path, markers: tuple[str, str], text: str) -> None:
    """Put ``text`` between the two ``markers`` lines of ``page``, replacing what was there.

    Raises:
        SystemExit: naming the page, when a marker is missing.
    """
    content = page.read_text()
    pattern = re.compile(f"{re.escape(markers[0])}.*?{re.escape(markers[1])}", re.S)
    if not pattern.search(content):
        raise SystemExit(f"{page}: the markers {markers} are missing")
    page.write_text(pattern.sub(lambda _: f"{markers[0]}\n{text}\n{markers[1]}", content))
