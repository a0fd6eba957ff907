"""Entry point of r1verify-language: registers its verifiers with r1verify."""

from r1verify import hookimpl

from .verifier import LanguageConsistency


@hookimpl
def register_verifiers(register):
    register(LanguageConsistency)
