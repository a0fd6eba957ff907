"""Unicode folding, so that look-alike text cannot hide a word from the checks that look for words.

- :func:`strip_format` removes format characters (Unicode category Cf: zero-width spaces and joiners, soft
  hyphens, bidi marks, BOM): they are invisible and never part of a mathematical answer (``o\\u200br`` is
  "or").
- :func:`join_spelled` joins a word spelled out letter by letter (``n o t`` is "not").
- :func:`fold` also applies NFKC (full-width, mathematical-alphanumeric and roman-numeral letters become plain
  letters) and maps Greek and Cyrillic letters that look like Latin ones to those (``οr`` with an omicron is
  "or"). It is for *finding* words and letters only, never for reading values: NFKC turns ``²`` into ``2``.
"""

from __future__ import annotations

import re
import sys
import unicodedata

_FORMAT = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf") + "]"
)
_LOOKALIKES = str.maketrans(
    # Greek
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχϲϳ"
    # Cyrillic
    "АВЕКМНОРСТХУЅІЈаеорсухѕіјһԁԛԝӏё",
    "ABEZHIKMNOPTYXaiknoptuxcjABEKMHOPCTXYSIJaeopcyxsijhdqwle",
)
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3"})
_SPELLED = re.compile(r"(?<![^\W\d_])[^\W\d_](?:[ \t]+[^\W\d_](?![^\W\d_]))+")


def strip_format(text: str) -> str:
    """``text`` without format characters (category Cf)."""
    return text if text.isascii() else _FORMAT.sub("", text)


def fold(text: str) -> str:
    """``text`` with look-alike letters made plain Latin letters (for finding words, not for values)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", strip_format(text).translate(_SUPERSCRIPTS))
    return text.translate(_LOOKALIKES)


def join_spelled(text: str) -> str:
    """``text`` with words spelled out in single letters joined: ``4 n o t`` -> ``4 not``."""
    return _SPELLED.sub(lambda m: "".join(m.group().split()), text)
