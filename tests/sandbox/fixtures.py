"""Fixtures shared by the sandbox and code tests (imported by both conftests)."""

from __future__ import annotations

import pytest
from r1verify_sandbox import SandboxConfig, SandboxPool, shared_pool
from r1verify_sandbox.image_build import ensure_image

DOCKER_CONFIG = SandboxConfig(backend="docker", workers=2)
"""The session's shared Docker pool; the code verifier with ``backend=docker, workers=2`` gets the same one."""


@pytest.fixture(scope="session")
def sandbox_image(docker_engine) -> str:
    """The sandbox image, built offline (mmdebstrap + docker import) when this engine lacks it."""
    return ensure_image(offline=True, log=lambda message: print(f"[sandbox image] {message}"))


@pytest.fixture(scope="session")
def docker_pool(sandbox_image) -> SandboxPool:
    """One warm two-container pool for the whole session (closed at exit)."""
    return shared_pool(DOCKER_CONFIG)
