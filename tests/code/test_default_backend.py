"""Model-written programs never run unsandboxed unless the user asked for it: the code verifier's default backend
is ``docker``, and with no engine answering every verdict is a setup error saying how to fix it, not a run on
this host. (Before: the default ``auto`` ran the programs here, as the training user, with one stderr line.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from r1verify_code import CodeOptions, CodeVerifier

from r1verify import Engine, Recipe, Sample, Status

from .conftest import fenced


@pytest.fixture
def closed_engine(tmp_path, monkeypatch) -> Path:
    """``DOCKER_HOST`` on a unix socket nobody listens on: the docker CLI is there, the engine does not answer."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/closed.sock")
    return tmp_path


def escaping_program(marker: Path) -> str:
    """Solves the test, and leaves a file on the host if it runs there."""
    return fenced(f"open({str(marker)!r}, 'w').write('ran')\n\ndef add(a, b):\n    return a + b\n")


def test_the_default_backend_is_docker():
    assert CodeOptions().backend == "docker" and CodeVerifier().options.backend == "docker"


def test_no_engine_is_a_setup_error_and_nothing_runs_here(closed_engine):
    marker = closed_engine / "escaped.txt"
    verifier = CodeVerifier(workers=3)  # the default backend; a pool config no other test starts
    verdicts = verifier.verify_batch(
        [
            Sample(escaping_program(marker), reference="assert add(1, 2) == 3"),
            Sample("no program", reference="assert add(1, 2) == 3"),
        ]
    )
    assert not marker.exists()
    assert verdicts[0].status is Status.ERROR and verdicts[0].is_setup_error
    reason = verdicts[0].reason
    assert "no Docker engine answers" in reason and "docker info" in reason
    assert "backend=local" in reason and "WITHOUT isolation" in reason and "backend=auto" in reason
    assert verdicts[1].status is Status.NO_ANSWER  # decided before the sandbox


def test_no_engine_through_the_engine_is_a_setup_error(closed_engine):
    marker = closed_engine / "escaped.txt"
    with Engine(Recipe.from_verifier_args(["code:workers=3"]), workers=1) as engine:
        [result] = engine.verify([Sample(escaping_program(marker), reference="assert add(1, 2) == 3")])
    verdict = result.verdicts["code"]
    assert verdict.is_setup_error and "docker info" in verdict.reason and not marker.exists()


def test_local_is_an_explicit_choice_and_runs_without_docker(closed_engine):
    marker = closed_engine / "escaped.txt"
    [verdict] = CodeVerifier(backend="local", workers=1).verify_batch(
        [Sample(escaping_program(marker), reference="assert add(1, 2) == 3")]
    )
    assert verdict.status is Status.CORRECT and marker.exists()  # no isolation: that is what local means
