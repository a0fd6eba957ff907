"""Entry point of r1verify-format: registers its verifiers with r1verify."""

from r1verify import hookimpl

from .length import Length
from .overlong import Overlong
from .repetition import Repetition
from .tag_count import TagCount
from .think_format import ThinkFormat


@hookimpl
def register_verifiers(register):
    for cls in (ThinkFormat, TagCount, Overlong, Length, Repetition):
        register(cls)
