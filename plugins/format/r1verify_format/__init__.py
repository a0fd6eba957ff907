"""R1 think-format, tag counting and length/repetition shaping rewards for r1verify.

Verifiers: ``think_format``, ``tag_count``, ``overlong``, ``length``, ``repetition``.
"""

from .length import Length, LengthOptions
from .overlong import Overlong, OverlongOptions
from .repetition import Repetition, RepetitionOptions
from .tag_count import TagCount
from .think_format import TemplateOptions, ThinkFormat

__all__ = [
    "Length",
    "LengthOptions",
    "Overlong",
    "OverlongOptions",
    "Repetition",
    "RepetitionOptions",
    "TagCount",
    "TemplateOptions",
    "ThinkFormat",
]
