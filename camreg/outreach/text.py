"""Plain-text helpers shared by the outbox (services) and the agency's email texts."""

from __future__ import annotations

import re

# The shipped templates of an email: <TEMPLATE_DIR>/<key>.subject.txt, .txt and .html.
TEMPLATE_DIR = "outreach/email"

_BLANK_LINES = re.compile(r"\n{3,}")


def one_line(text: str) -> str:
    """Every run of whitespace, line breaks included, as one space (a header is one line)."""
    return " ".join(text.split())


def tidy_text(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row (template tags leave gaps)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    # "-- " (with its space) marks the signature for mail programs.
    lines = ["-- " if line == "--" else line for line in lines]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"
