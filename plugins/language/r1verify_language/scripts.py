"""Writing systems: which script a character belongs to, and which languages a script can mean.

Scripts used by a single language decide the language on their own (the fast path: Hangul is Korean, kana is
Japanese, Greek is Greek). Scripts shared by many languages (Latin, Cyrillic, Arabic, Devanagari) need a
detector. Han is shared by Chinese and Japanese: a block with kana is Japanese, a Han-only block is Chinese
unless the target is Japanese (Japanese text without kana is rare, and the benefit of the doubt goes to the
target).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from functools import cache, lru_cache

# (first code point, last code point, script); sorted, non-overlapping. Letters outside these ranges are "Other".
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"),
    (0x0D80, 0x0DFF, "Sinhala"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1D00, 0x1DBF, "Latin"),  # phonetic extensions: modifier letters such as subscripts
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x2070, 0x209F, "Latin"),  # superscript and subscript letters (xⁿ, aₖ)
    (0x2100, 0x214F, "Math"),  # letterlike symbols: ℝ, ℕ, ℓ
    (0x2C00, 0x2C5F, "Other"),
    (0x2C60, 0x2C7F, "Latin"),
    (0x2D00, 0x2D2F, "Georgian"),
    (0x2DE0, 0x2DFF, "Cyrillic"),
    (0x2E80, 0x2FDF, "Han"),
    (0x3005, 0x3007, "Han"),
    (0x3021, 0x3029, "Han"),
    (0x3038, 0x303B, "Han"),
    (0x3040, 0x30FF, "Kana"),
    (0x3100, 0x312F, "Han"),  # Bopomofo: Chinese
    (0x3130, 0x318F, "Hangul"),
    (0x31A0, 0x31BF, "Han"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA640, 0xA69F, "Cyrillic"),
    (0xA720, 0xA7FF, "Latin"),
    (0xAC00, 0xD7FF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB00, 0xFB06, "Latin"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF5A, "Latin"),  # full-width Latin letters
    (0xFF66, 0xFF9F, "Kana"),  # half-width katakana
    (0xFFA0, 0xFFDC, "Hangul"),
    (0x1B000, 0x1B16F, "Kana"),
    (0x1D400, 0x1D7FF, "Math"),  # mathematical alphanumeric symbols: 𝑥, 𝐀
    (0x20000, 0x3134F, "Han"),
)
_STARTS = [r[0] for r in _RANGES]

NOTATION_SCRIPTS = ("Latin", "Greek", "Math")
"""Scripts that math and code are written in: their letters can be variables and names, not words. ``Math`` are
letter-like symbols (ℝ, 𝑥), never a word of any language."""

CHARACTER_SCRIPTS = frozenset({"Han", "Kana"})
"""Scripts written without spaces between words, where every character counts as one word."""

AMBIGUOUS_SCRIPTS = frozenset({"Latin", "Cyrillic", "Arabic", "Devanagari"})
"""Scripts shared by several languages: the language of such text is decided by a detector."""

SCRIPT_LANGUAGE: dict[str, str] = {
    "Greek": "el",
    "Armenian": "hy",
    "Hebrew": "he",
    "Bengali": "bn",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Sinhala": "si",
    "Thai": "th",
    "Lao": "lo",
    "Tibetan": "bo",
    "Myanmar": "my",
    "Georgian": "ka",
    "Hangul": "ko",
    "Ethiopic": "am",
    "Khmer": "km",
    "Kana": "ja",
}
"""Scripts that identify their language on their own (the script fast path)."""

_LATIN_LANGUAGES = "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
_SCRIPT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "Latin": tuple(_LATIN_LANGUAGES.split()),
    "Cyrillic": ("bg", "mk", "ru", "uk"),
    "Arabic": ("ar", "fa", "ur"),
    "Devanagari": ("hi", "mr", "ne"),
}


SCRIPT_DEFAULT: dict[str, str] = {"Latin": "en", "Cyrillic": "ru", "Arabic": "ar", "Devanagari": "hi"}
"""The label that text in a shared script gets when the detector's evidence for anything else is weak."""


def candidates(script: str) -> tuple[str, ...]:
    """The languages a detector chooses among for text in ``script`` (empty for unambiguous scripts)."""
    return _SCRIPT_CANDIDATES.get(script, ())


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str:
    """The script of one character: ``"Latin"``, ``"Han"``, ``"Kana"``, ..., or ``"Other"``."""
    code = ord(ch)
    i = bisect_right(_STARTS, code) - 1
    if i >= 0 and code <= _RANGES[i][1]:
        return _RANGES[i][2]
    return "Other"


@lru_cache(maxsize=256)
def scripts_of_language(language: str) -> frozenset[str]:
    """The scripts a language is written in, for the languages this module knows (empty if unknown)."""
    if language == "zh":
        return frozenset({"Han"})
    if language == "ja":
        return frozenset({"Han", "Kana"})
    found = {s for s, lang in SCRIPT_LANGUAGE.items() if lang == language}
    found |= {s for s, langs in _SCRIPT_CANDIDATES.items() if language in langs}
    return frozenset(found)


def _class_body(codes: list[int]) -> str:
    """A regex character class body matching exactly the code points ``codes`` (sorted), as ranges."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@cache
def mark_class() -> str:
    """A regex character class body with every combining mark (Mn, Mc, Me): Indic vowel signs and the like."""
    return _class_body([c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")])


@cache
def letters_of(*scripts: str) -> str:
    """A regex character class body with every letter of the given scripts."""
    wanted = set(scripts)
    return _class_body(
        [c for first, last, script in _RANGES if script in wanted for c in range(first, last + 1) if chr(c).isalpha()]
    )
