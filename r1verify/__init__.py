"""r1verify: turn "is this model output right?" into rewards for RL training of reasoning models."""

from .engine import Engine, verify
from .hookspecs import hookimpl
from .options import NoOptions, OptionsError
from .plugins import UnknownVerifierError
from .recipe import Recipe, RecipeError, VerifierSpec
from .result import Result
from .sample import Sample
from .verdict import Status, Verdict
from .verifier import Placement, Verifier

__version__ = "0.1.0"

__all__ = [
    "Engine",
    "NoOptions",
    "OptionsError",
    "Placement",
    "Recipe",
    "RecipeError",
    "Result",
    "Sample",
    "Status",
    "UnknownVerifierError",
    "Verdict",
    "Verifier",
    "VerifierSpec",
    "hookimpl",
    "verify",
]
