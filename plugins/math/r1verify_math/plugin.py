"""Entry point of r1verify-math: registers the ``math`` verifier with r1verify."""

from r1verify import hookimpl

from .verifier import MathVerifier


@hookimpl
def register_verifiers(register):
    register(MathVerifier)
