from __future__ import annotations

import json
from pathlib import Path

import pytest
from r1verify_code import CodeVerifier

from ..sandbox.fixtures import docker_pool, sandbox_image  # noqa: F401 - fixtures

DATA = Path(__file__).parent.parent / "data" / "code"


def load(name: str) -> list[dict]:
    """Rows of ``tests/data/code/NAME``."""
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def fenced(code: str, language: str = "python", reasoning: str = "Let me think about it.") -> str:
    """A reasoning model's completion: reasoning, then the program in a fenced block."""
    return f"<think>\n{reasoning}\n</think>\nHere is my solution.\n```{language}\n{code}\n```\n"


@pytest.fixture(scope="session")
def code_verifier(docker_pool) -> CodeVerifier:  # noqa: F811 - the imported fixture
    """The code verifier on the session's shared Docker pool (same config, so the same warm containers)."""
    return CodeVerifier(backend="docker", workers=2)
