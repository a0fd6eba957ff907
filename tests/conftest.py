from __future__ import annotations

import pytest

from r1verify import Engine, Recipe

from .helpers import BatchBehave, Behave, InlineBehave


@pytest.fixture
def behave_plugin(r1verify_plugin):
    r1verify_plugin(verifiers=[Behave, BatchBehave, InlineBehave])


@pytest.fixture
def engine_for(behave_plugin):
    """Build engines for CLI-style verifier specs; all are closed after the test."""
    engines = []

    def make(*specs: str, **kwargs) -> Engine:
        engine = Engine(Recipe.from_verifier_args(list(specs)), **kwargs)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()
