from __future__ import annotations

import pytest
from r1verify_trl import reward_funcs

from ..sandbox.fixtures import sandbox_image  # noqa: F401 - fixture for the code verifier test
from .support import TrainerLogs
from .verifiers import TEST_VERIFIERS


@pytest.fixture
def trl_plugin(r1verify_plugin):
    """Registers the small test verifiers (const, echo, explode, hang) for one test."""
    r1verify_plugin(verifiers=TEST_VERIFIERS)


@pytest.fixture
def logs() -> TrainerLogs:
    return TrainerLogs()


@pytest.fixture
def make_rf(trl_plugin):
    """``make_rf(recipe, **options)``: ``reward_funcs`` with one worker; engines stop at the end of the test."""
    made = []

    def make(recipe, **options):
        options.setdefault("workers", 1)
        rf = reward_funcs(recipe, **options)
        made.append(rf)
        return rf

    yield make
    for rf in made:
        rf.close()
