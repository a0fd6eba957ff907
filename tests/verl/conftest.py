from __future__ import annotations

from pathlib import Path

import pytest

from ..sandbox.fixtures import sandbox_image  # noqa: F401 - fixture
from .verl_harness import recipe_toml, tokenizer

pytest.importorskip("verl", reason="veRL is installed by `make setup` (verl==0.9.1 --no-deps)")


@pytest.fixture(scope="session")
def tok():
    return tokenizer()


@pytest.fixture(scope="session")
def recipe_path(tmp_path_factory) -> Path:
    """math + code on local subprocesses (the code verifier's fallback without Docker) + think_format."""
    return recipe_toml(tmp_path_factory.mktemp("recipe") / "verl_test.toml")


@pytest.fixture(autouse=True, scope="module")
def _close_engines():
    yield
    from r1verify_verl.scoring import close_all

    close_all()
