"""One answer (a reference's or a completion's) with the cheap readings of it computed once."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from .normalize import choice_letter, is_literal, is_multi_valued, plain_text, read, split_assignment
from .numbers import Exact, exact_number
from .shape import marks, words
from .units import Unit

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
    unit: Unit | None
    """The unit the answer ends with (``5 \\text{ cm}``), set aside from ``norm``."""
    multiplier: int
    """A multiplier word after the value (``4 million``): 1 if none."""
    scaled: bool
    """``norm`` is the plain number already multiplied by ``multiplier``."""
    parsed: Any = field(default=None, repr=False)
    """math-verify's parse, filled in lazily by :mod:`r1verify_math.symbolic`."""
    _marks: frozenset[str] | None = field(default=None, repr=False)
    _words: tuple[str, ...] | None = field(default=None, repr=False)

    @classmethod
    def read(cls, raw: str, kind: Kind = "latex") -> Answer:
        """The answer ``raw`` (read once per process for recent answers: extraction and grading share it)."""
        return _read(raw, kind)

    @property
    def marks(self) -> frozenset[str]:
        """Connectives, relations and other marks besides the value (:func:`r1verify_math.shape.marks`)."""
        if self._marks is None:
            self._marks = marks(self.raw)
        return self._marks

    @property
    def words(self) -> tuple[str, ...]:
        """Text that is not a unit (:func:`r1verify_math.shape.words`)."""
        if self._words is None:
            self._words = words(self.raw, prose=self.kind == "text")
        return self._words

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


@functools.lru_cache(maxsize=4096)
def _read(raw: str, kind: Kind) -> Answer:
    reading = read(raw)
    variable, value = split_assignment(reading.norm)
    return Answer(
        raw,
        kind,
        reading.norm,
        variable,
        value,
        exact_number(value),
        is_literal(reading.norm),
        reading.unit,
        reading.multiplier,
        reading.scaled,
    )
