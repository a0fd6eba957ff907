from __future__ import annotations

import pytest

from r1verify import Engine, Recipe

from .helpers import BatchBehave, Behave, InlineBehave, LazyInline, MiscountInline


@pytest.fixture
def behave_plugin(r1verify_plugin):
    r1verify_plugin(verifiers=[Behave, BatchBehave, InlineBehave, LazyInline, MiscountInline])


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


def docker_engine_available() -> tuple[bool, str]:
    import shutil
    import subprocess

    if shutil.which("docker") is None:
        return False, "no docker client on PATH"
    try:
        proc = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return False, "docker info timed out"
    if proc.returncode != 0:
        return False, (proc.stderr or proc.stdout).strip().splitlines()[-1] if (
            proc.stderr or proc.stdout
        ).strip() else "docker info failed"
    return True, proc.stdout.strip()


@pytest.fixture(scope="session")
def docker_engine() -> str:
    """The Docker engine's version. Skips without an engine, except in CI (CI set), where that is a failure."""
    import os

    ok, detail = docker_engine_available()
    if not ok:
        message = f"no Docker engine answers ({detail}); .ci/run starts one (see README, 'Docker')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return detail
