"""kill -9 of the process that owns a pool, mid-batch: the next pool start removes what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from r1verify_sandbox import SandboxPool

pytestmark = pytest.mark.docker

OWNER = textwrap.dedent(
    """
    import sys
    from r1verify_sandbox import Limits, Program, SandboxPool

    pool = SandboxPool(backend="docker", workers=2).start()
    futures = [pool.submit(Program("import time; time.sleep(120)", limits=Limits(timeout=300))) for _ in range(4)]
    print(" ".join(pool.container_names), flush=True)
    sys.stdin.read()  # blocks until killed
    """
)


def _containers(label: str) -> list[str]:
    out = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label={label}", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def test_leftovers_of_a_killed_owner_are_removed_on_the_next_start(sandbox_image):
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        names = owner.stdout.readline().split()
        assert len(names) == 2, "the owner process did not start its pool"
        owner_label = f"r1verify.owner={_label_of(names[0])}"
        os.kill(owner.pid, signal.SIGKILL)  # mid-batch: both containers are running a program
        owner.wait(timeout=30)
        assert sorted(_containers(owner_label)) == sorted(names)  # orphaned, still running their programs

        with SandboxPool(backend="docker", workers=1) as pool:  # a new start cleans up
            assert _containers(owner_label) == []
            assert pool.execute("print('fresh')").stdout == "fresh\n"
    finally:
        if owner.poll() is None:
            owner.kill()
        subprocess.run(["docker", "rm", "-f", *names], capture_output=True, check=False)


def _label_of(name: str) -> str:
    return subprocess.run(
        ["docker", "inspect", "--format", '{{index .Config.Labels "r1verify.owner"}}', name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
