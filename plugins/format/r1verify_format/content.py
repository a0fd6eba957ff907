"""Whether a reasoning block or final answer says anything: invisible or decorative text is empty.

A part has content when it contains at least one letter or digit (Unicode categories L* and N*) that a reader
can see. Not content: format characters (category Cf: zero-width space, word joiner, BOM, soft hyphen...), the
Hangul filler letters (invisible letters of category Lo), blanks and symbols such as the Braille blank U+2800,
punctuation and markdown rules (``---``, ``...``), and HTML comments (``<!-- ... -->``, or an unclosed ``<!--``
to the end, which a renderer hides).
"""

from __future__ import annotations

import re
import unicodedata

# Letters of category Lo that render as nothing (Default_Ignorable_Code_Point); every other L*/N* is visible.
_INVISIBLE_LETTERS = "\u115f\u1160\u3164\uffa0"
_VISIBLE = re.compile(rf"[^\W_{_INVISIBLE_LETTERS}]")  # [^\W_] is exactly the categories L* and N*
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _format_class() -> str:
    """A regex character class body with every format character (category Cf), as ranges. They all lie in
    planes 0-1 and the tag block U+E0000-U+E0FFF; scanning only those keeps the import fast."""
    ranges: list[list[int]] = []
    for code in [*range(0x20000), *range(0xE0000, 0xE1000)]:
        if unicodedata.category(chr(code)) == "Cf":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_CF = f"[{_format_class()}]"
_FORMAT = re.compile(f"{_CF}+")
_OPENER = re.compile(f"<{_CF}*!{_CF}*-{_CF}*-")
"""The start of an HTML comment, also with format characters inside ``<!--``."""


def has_content(text: str) -> bool:
    """Whether ``text`` has a visible letter or digit outside HTML comments (see the module docstring)."""
    if _OPENER.search(text):
        text = _COMMENT.sub("", _FORMAT.sub("", text))
    return _VISIBLE.search(text) is not None
