"""One answer (a reference's or a completion's) with the cheap readings of it computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .normalize import choice_letter, is_literal, is_multi_valued, normalize, plain_text, split_assignment
from .numbers import Exact, exact_number

Kind = Literal["latex", "text"]
"""``latex``: the content of a box, a math environment or a reference; ``text``: prose that may contain
math (what follows "the answer is", a last line)."""


@dataclass(slots=True)
class Answer:
    raw: str
    kind: Kind
    norm: str
    variable: str
    """The left-hand side of ``x = 2`` / ``x \\in [1,2)`` ("" if none); ``value`` is what it is set to."""
    value: str
    exact: Exact | None
    literal: bool
    parsed: Any = field(default=None, repr=False)
    """math-verify's parse, filled in lazily by :mod:`r1verify_math.symbolic`."""

    @classmethod
    def read(cls, raw: str, kind: Kind = "latex") -> Answer:
        norm = normalize(raw)
        variable, value = split_assignment(norm)
        return cls(raw, kind, norm, variable, value, exact_number(value), is_literal(norm))

    def letter(self, *, strict: bool) -> str | None:
        """The multiple-choice letter this answer names, if it reads as one."""
        return choice_letter(plain_text(self.raw), strict=strict)

    @property
    def multi_valued(self) -> bool:
        return is_multi_valued(self.norm)

    @property
    def key(self) -> tuple[str, object]:
        """Identity for telling hedged answers apart: ``1/2``, ``0.5`` and ``x = 0.5`` share one key, and so do
        ``B`` and ``(B)``."""
        if self.exact is not None:
            return ("number", self.exact.value)
        letter = self.letter(strict=True)
        if letter is not None:
            return ("letter", letter)
        return ("text", self.value.casefold() if self.literal else self.value)
