"""Language codes: ``"zh-CN"``, ``"zh_Hans"``, ``"Chinese"`` and ``"zh"`` all mean ``"zh"``."""

from __future__ import annotations

_NAMES = {
    "afrikaans": "af", "arabic": "ar", "bengali": "bn", "bulgarian": "bg", "catalan": "ca", "chinese": "zh",
    "mandarin": "zh", "czech": "cs", "danish": "da", "dutch": "nl", "english": "en", "estonian": "et",
    "finnish": "fi", "french": "fr", "german": "de", "greek": "el", "hebrew": "he", "hindi": "hi",
    "hungarian": "hu", "indonesian": "id", "italian": "it", "japanese": "ja", "korean": "ko", "latvian": "lv",
    "lithuanian": "lt", "norwegian": "no", "persian": "fa", "farsi": "fa", "polish": "pl", "portuguese": "pt",
    "romanian": "ro", "russian": "ru", "slovak": "sk", "slovenian": "sl", "spanish": "es", "swahili": "sw",
    "swedish": "sv", "tagalog": "tl", "thai": "th", "turkish": "tr", "ukrainian": "uk", "urdu": "ur",
    "vietnamese": "vi",
}  # fmt: skip
_ALIASES = {"iw": "he", "nb": "no", "nn": "no", "cmn": "zh", "yue": "zh", "jp": "ja", "kr": "ko", "cn": "zh"}


def normalize_language(value: str) -> str:
    """The primary ISO 639-1 subtag of a language code or English language name, lower case.

    Raises ``ValueError`` for what is neither, naming the expected form.
    """
    text = str(value).strip().lower().replace("_", "-")
    if text in _NAMES:
        return _NAMES[text]
    primary = text.split("-", 1)[0]
    primary = _ALIASES.get(primary, primary)
    if not (2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha()):
        raise ValueError(f"unknown language {value!r}: use an ISO 639-1 code such as 'en' or 'zh'")
    return primary

PROGRAM_LANGUAGES = frozenset(
    "python python3 py py3 cpp c++ cxx cc c java javascript js node nodejs typescript go golang rust rs ruby rb "
    "php bash shell kotlin swift scala csharp c# lua julia haskell perl sql".split()
)
"""Names of programming languages: a ``language`` column holding one names a program's language (the code
verifier's), not the natural language to check. Codes that are also natural languages (``ts``, ``sh``) are
left out."""


def is_program_language(value: object) -> bool:
    """Whether ``value`` names a programming language rather than a natural one."""
    return isinstance(value, str) and value.strip().lower() in PROGRAM_LANGUAGES
