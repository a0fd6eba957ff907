"""CI provides a real Docker engine: bootstrap a base image offline and run a container on it.

The image is the sandbox's offline base (mmdebstrap + docker import, no registry), so the sandbox tests that
follow reuse it instead of bootstrapping again.
"""

from __future__ import annotations

import subprocess

import pytest
from r1verify_sandbox.docker import image_exists
from r1verify_sandbox.image_build import bootstrap_base, offline_base_tag


@pytest.fixture(scope="module")
def base_image(docker_engine) -> str:
    tag = offline_base_tag()
    if not image_exists(tag):
        bootstrap_base(tag)
    return tag


@pytest.mark.docker
def test_a_container_runs_with_no_network(base_image):
    proc = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "--label",
            "r1verify.test=smoke",
            base_image,
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
