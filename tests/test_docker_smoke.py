"""CI provides a real Docker engine: build a tiny base image offline and run a container on it."""

from __future__ import annotations

import subprocess

import pytest

IMAGE = "r1verify-smoke:bookworm"


@pytest.fixture(scope="module")
def smoke_image(docker_engine) -> str:
    """A minimal Debian with python3, bootstrapped with mmdebstrap + docker import (no registry needed)."""
    if subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True).returncode == 0:
        return IMAGE
    script = (
        "set -o pipefail; mmdebstrap --quiet --variant=minbase --include=python3-minimal bookworm - "
        f"http://deb.debian.org/debian | docker import - {IMAGE}"
    )
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return IMAGE


@pytest.mark.docker
def test_a_container_runs_with_no_network(smoke_image):
    proc = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "--label",
            "r1verify.test=smoke",
            smoke_image,
            "python3",
            "-c",
            "import socket; print(6 * 7, [n for _, n in socket.if_nameindex()])",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42 ['lo']"  # --network none: loopback only
