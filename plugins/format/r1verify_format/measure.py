"""Text length in tokens of a local tokenizer, or in characters when none is configured."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .parts import Part, cut
from .tags import check_tag_name

Encode = Callable[[str], list[int]]
"""A tokenizer as a function from text to token ids (no special tokens added)."""

_encoders: dict[str, Encode] = {}
_lock = threading.Lock()


class TokenizerError(RuntimeError):
    """The configured tokenizer cannot be loaded (missing path, unreadable file, library not installed). Every
    sample shares it, so it is a setup error (``setup_error``): the run stops with this message instead of giving
    every sample an ``error`` verdict (see :mod:`r1verify.guard`)."""

    setup_error = True


class TokenizerNotFound(TokenizerError, FileNotFoundError):
    """The ``tokenizer`` path is neither a ``tokenizer.json`` file nor a local tokenizer directory."""


def _load(path: str) -> Encode:
    try:
        return _open(path)
    except TokenizerError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to load is the configuration's, shared by every sample
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise TokenizerError(
            f"tokenizer {path!r} cannot be loaded ({type(exc).__name__}" + (f": {first}" if first else "") + "): "
            "give a tokenizer.json file or a local tokenizer directory (install 'tokenizers', or 'transformers' "
            "for a directory without tokenizer.json), or leave 'tokenizer' empty to count characters"
        ) from exc


def _open(path: str) -> Encode:
    p = Path(path).expanduser()
    if p.is_dir() and (p / "tokenizer.json").is_file() and not (p / "tokenizer_config.json").is_file():
        p = p / "tokenizer.json"
    if p.is_file():
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(p))
        return lambda text: tokenizer.encode(text, add_special_tokens=False).ids
    if p.is_dir():
        from transformers import AutoTokenizer

        hf = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
        return lambda text: list(hf(text, add_special_tokens=False)["input_ids"])
    raise TokenizerNotFound(
        f"tokenizer {path!r} not found: give a tokenizer.json file or a local tokenizer directory "
        f"(e.g. a model snapshot's folder), or leave 'tokenizer' empty to count characters"
    )


def encoder(path: str) -> Encode:
    """The tokenizer at ``path`` as a text -> token ids function (loaded once per process)."""
    encode = _encoders.get(path)
    if encode is None:
        with _lock:
            encode = _encoders.get(path)
            if encode is None:
                encode = _encoders[path] = _load(path)
    return encode


@dataclass(frozen=True)
class MeasureOptions:
    """Options of every length-based verifier: what is measured and in which unit."""

    tokenizer: str = ""
    """Path to a local tokenizer (a ``tokenizer.json`` file or a tokenizer directory); lengths are then in
    tokens. Empty: lengths are in characters. Verdicts say which (``details.unit``)."""
    part: Part = "completion"
    """What is measured: the whole completion, the reasoning, or the final answer."""
    think_tag: str = "think"
    """Name of the reasoning tag, for ``part``."""

    def __post_init__(self) -> None:
        check_tag_name(self.think_tag, "think_tag")


def measure(completion: str, options: MeasureOptions) -> tuple[int, str]:
    """(length, unit) of the configured part of ``completion``; unit is ``"tokens"`` or ``"characters"``."""
    text = cut(completion, options.part, options.think_tag)
    if options.tokenizer:
        return len(encoder(options.tokenizer)(text)), "tokens"
    return len(text), "characters"
