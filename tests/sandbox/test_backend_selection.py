"""Backend choice, infrastructure errors that say how to fix them, and the ``r1verify sandbox`` command."""

from __future__ import annotations

import logging
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from r1verify_sandbox import DockerUnavailableError, SandboxConfig, SandboxPool, plugin
from r1verify_sandbox.backends import LocalBackend, make_backend
from r1verify_sandbox.cli import sandbox_command
from r1verify_sandbox.image_build import default_tag


@pytest.fixture
def no_docker(monkeypatch):
    monkeypatch.setenv("R1VERIFY_DOCKER", "/nonexistent/docker")


def test_auto_falls_back_to_local_with_a_one_line_warning(no_docker, caplog):
    with caplog.at_level(logging.WARNING, logger="r1verify.sandbox"):
        backend = make_backend(SandboxConfig(backend="auto"))
    assert isinstance(backend, LocalBackend)
    [record] = caplog.records
    assert "WITHOUT isolation" in record.getMessage() and "\n" not in record.getMessage()


def test_docker_backend_without_an_engine_says_how_to_fix_it(no_docker):
    with pytest.raises(DockerUnavailableError, match="backend='local'"):
        SandboxPool(backend="docker", workers=1).start()


def test_config_validation():
    with pytest.raises(ValueError):
        SandboxConfig(backend="podman")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SandboxConfig(max_uses=0)
    assert SandboxConfig(workers=3).size == 3 and SandboxConfig().size >= 1


def test_image_tag_follows_the_runner():
    tag = default_tag()
    assert tag.startswith("r1verify-sandbox:") and len(tag.split(":")[1]) == 12


def test_the_plugin_adds_the_sandbox_command_group():
    group = click.Group("r1verify")
    plugin.register_commands(group)
    assert group.commands["sandbox"] is sandbox_command
    assert set(sandbox_command.commands) == {"build", "status", "clean"}


def test_r1verify_sandbox_help_through_the_real_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "r1verify", "sandbox", "build", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "--offline" in proc.stdout and "--base" in proc.stdout


def test_cli_build_without_an_engine_fails_cleanly(no_docker):
    result = CliRunner().invoke(sandbox_command, ["build", "--offline"])
    assert result.exit_code == 1 and "no Docker engine answers" in result.output
