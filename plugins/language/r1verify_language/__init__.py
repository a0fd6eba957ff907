"""R1 language-consistency reward for r1verify: the ``language`` verifier."""

from .verifier import LanguageConsistency, LanguageOptions

__all__ = ["LanguageConsistency", "LanguageOptions"]
