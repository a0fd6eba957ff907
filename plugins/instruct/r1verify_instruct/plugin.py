"""Entry point of r1verify-instruct: registers its verifiers with r1verify."""

from r1verify import hookimpl

from .ifeval import IFEval


@hookimpl
def register_verifiers(register):
    register(IFEval)
