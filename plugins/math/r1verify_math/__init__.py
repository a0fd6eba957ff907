"""Math final-answer verification for r1verify, built on math-verify."""

from .options import MathOptions
from .verifier import MathVerifier

__all__ = ["MathOptions", "MathVerifier"]
