"""The sandbox's default backend is ``docker``: with no engine, starting a pool raises a setup error that says how
to fix it, instead of running programs on this host (``auto`` and ``local`` stay explicit choices)."""

from __future__ import annotations

import pytest
from r1verify_sandbox import DockerUnavailableError, Program, SandboxConfig, SandboxPool
from r1verify_sandbox.backends import DockerBackend, LocalBackend, make_backend


@pytest.fixture
def closed_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/closed.sock")
    return tmp_path


def test_the_default_is_docker():
    assert SandboxConfig().backend == "docker"
    assert isinstance(make_backend(SandboxConfig()), DockerBackend)


def test_a_default_pool_without_an_engine_raises_a_setup_error_and_runs_nothing(closed_engine):
    marker = closed_engine / "escaped.txt"
    with pytest.raises(DockerUnavailableError, match="no Docker engine answers") as info:
        with SandboxPool(workers=1) as pool:
            pool.run(Program(f"open({str(marker)!r}, 'w').write('ran')"))
    assert getattr(info.value, "setup_error", False) and not marker.exists()


def test_auto_is_still_an_explicit_fallback(closed_engine):
    assert isinstance(make_backend(SandboxConfig(backend="auto")), LocalBackend)
