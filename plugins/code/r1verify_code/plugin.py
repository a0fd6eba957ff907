"""Entry point of r1verify-code: registers the ``code`` verifier."""

from __future__ import annotations

from typing import Any

from r1verify import hookimpl


@hookimpl
def register_verifiers(register: Any) -> None:
    from .verifier import CodeVerifier

    register(CodeVerifier)


@hookimpl
def register_languages(register: Any) -> None:
    from .languages import LANGUAGES

    for spec in LANGUAGES:
        register(spec)
