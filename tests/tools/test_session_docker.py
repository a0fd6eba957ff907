"""Sessions in the real Docker sandbox: the hostile programs as tool calls across turns, cross-session probes
(one session reads or kills another's state), a runner made clean between sessions, nothing left behind."""

from __future__ import annotations

import glob
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from r1verify_sandbox import CallStatus, ExecStatus, SessionLimits, SessionPool
from r1verify_sandbox.docker import LABEL

from ..sandbox.hostile import HOSTILE, Hostile

pytestmark = pytest.mark.docker

LIMITS = SessionLimits(timeout=2.0, memory_mb=256, max_output=1 << 20, max_procs=32)
CASES = [h for h in HOSTILE if h.language == "python" and not h.stdin and h.name != "stray descriptors"]
"""The Python hostile programs (``stray descriptors`` has its own test below: a session's own answer pipe is
writable by its code, which can only confuse its own results)."""
EXPECTED = {
    ExecStatus.OK: {CallStatus.OK},
    ExecStatus.TIMEOUT: {CallStatus.TIMEOUT},
    ExecStatus.MEMORY_LIMIT: {CallStatus.MEMORY_LIMIT},
    ExecStatus.OUTPUT_LIMIT: {CallStatus.OUTPUT_LIMIT},
    ExecStatus.RUNTIME_ERROR: {CallStatus.ERROR, CallStatus.CRASHED},
}
CLEAN_PROBE = (
    "import os\n"
    "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
    "found = [os.path.join(d, n) for d in ('/tmp', '/dev/shm') for n in os.listdir(d)]\n"
    "(len(pids), pids[0], os.getppid(), sorted(found), 'secret' in globals())"
)
"""What a fresh session must find: 2 processes (the runner, itself), only its own work dir, no state."""


def _containers(pool_id: str) -> list[str]:
    out = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label={LABEL}", "--filter", f"label=r1verify.pool={pool_id}",
         "--format", "{{.Names}}"], capture_output=True, text=True, check=True,
    ).stdout
    return out.split()


@pytest.fixture(scope="module")
def pool(sandbox_image):
    pool = SessionPool(backend="docker", warm=4, max_sessions=4).start()
    yield pool
    pool.close()
    assert _containers(pool.backend.pool_id) == []


def _hostile_turns(pool: SessionPool, case: Hostile) -> tuple:
    # the program's own deadline, doubled for those that end by themselves (a busy machine fills 512 MB slowly)
    timeout = case.limits.timeout * (1 if case.status is ExecStatus.TIMEOUT else 2)
    limits = SessionLimits(timeout=timeout, memory_mb=256, max_output=1 << 20, max_procs=32)
    with pool.open_session(limits) as session:
        setup = session.run("import os, sys\nsecret = 'S3CRET-' + str(os.getpid())\nsecret")
        attack = session.run(case.source)
        after = session.run("secret")
    return setup, attack, after


@pytest.fixture(scope="module")
def outcomes(pool):
    with ThreadPoolExecutor(4) as workers:
        return dict(zip((c.name for c in CASES), workers.map(lambda c: _hostile_turns(pool, c), CASES)))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_program_as_a_tool_call_is_contained(case: Hostile, outcomes):
    setup, attack, after = outcomes[case.name]
    assert setup.ok and setup.value.startswith("'S3CRET-")
    assert attack.status in EXPECTED[case.status], attack
    for text in case.must_print:
        assert text in attack.stdout, attack.stdout
    for text in case.must_not_print:
        assert text not in attack.stdout, attack.stdout
    assert len(attack.stdout) <= LIMITS.max_output
    if attack.alive:  # the session goes on with its state...
        assert after.value == setup.value, after
    else:  # ...or the next result says it is over
        assert after.status is CallStatus.CLOSED and "ended" in after.text()


def test_after_the_hostile_programs_every_runner_is_clean_and_serving(pool, outcomes):
    sessions = [pool.open_session(LIMITS) for _ in range(4)]
    try:
        probes = [s.run(CLEAN_PROBE) for s in sessions]
    finally:
        for s in sessions:
            s.close()
    for probe in probes:
        count, first, parent, found, has_secret = eval(probe.value)
        assert (count, first, parent, has_secret) == (2, 1, 1, False), probe
        assert found == ["/tmp/r1v"], probe


def test_a_session_cannot_read_or_kill_another_sessions_state(pool):
    victim, attacker = pool.open_session(LIMITS), pool.open_session(LIMITS)
    try:
        victim.run("secret = 'VICTIM-SECRET'\nopen('/tmp/victim.txt', 'w').write(secret)\n"
                   "open('/dev/shm/victim', 'w').write(secret)\nimport os\nos.environ['V'] = secret")
        probe = attacker.run(
            "import os, glob, signal\nhits = []\n"
            "for path in glob.glob('/tmp/**', recursive=True) + glob.glob('/dev/shm/*'):\n"
            "    try:\n        hits += ['file'] if 'VICTIM' in open(path, errors='replace').read() else []\n"
            "    except OSError:\n        pass\n"
            "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    for part in ('environ', 'cmdline'):\n        try:\n"
            "            hits += ['proc'] if b'VICTIM' in open(f'/proc/{pid}/{part}', 'rb').read() else []\n"
            "        except OSError:\n            pass\n"
            "    if int(pid) not in (1, os.getpid()):\n        os.kill(int(pid), signal.SIGKILL)\n"
            "(hits, len([p for p in os.listdir('/proc') if p.isdigit()]))"
        )
        assert probe.value == "([], 2)", probe
        kill_all = attacker.run(
            "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\n'alive'"
        )
        assert kill_all.value == "'alive'"
        assert victim.run("secret, open('/tmp/victim.txt').read()").value == "('VICTIM-SECRET', 'VICTIM-SECRET')"
    finally:
        victim.close()
        attacker.close()


@pytest.mark.parametrize("direct_io", [True, False], ids=["fifo", "stdio"])
def test_a_reused_runner_keeps_nothing_of_the_previous_session(sandbox_image, direct_io):
    with SessionPool(backend="docker", warm=1, max_sessions=1, direct_io=direct_io) as pool:
        assert pool.direct_io is direct_io
        with pool.open_session(LIMITS) as first:
            first.run(
                "import subprocess, os\nsecret = 'PREVIOUS'\nopen('/tmp/prev', 'w').write(secret)\n"
                "open('here.txt', 'w').write(secret)\nopen('/dev/shm/prev', 'w').write(secret)\n"
                "daemon = subprocess.Popen(['sleep', '1000'], start_new_session=True)"
            )
            name = pool.container_names
        with pool.open_session(LIMITS) as second:
            assert pool.container_names == name  # the same container, cleaned
            count, _first, parent, found, has_secret = eval(second.run(CLEAN_PROBE).value)
            assert (count, parent, has_secret, found) == (2, 1, False, ["/tmp/r1v"])
            assert second.run("import os\nos.listdir('.')").value == "[]"
        pool_id = pool.backend.pool_id
    assert _containers(pool_id) == []


def test_forged_answers_only_confuse_their_own_session(pool):
    with pool.open_session(LIMITS) as forger, pool.open_session(LIMITS) as bystander:
        forger.run("import os\nos.write(4, b'\\x00\\x00\\x00\\x02{}')\nos.write(4, b'\\xff\\xff\\xff\\xff')")
        assert bystander.run("6 * 7").value == "42"
        later = forger.run("1")
        assert later.status is CallStatus.CRASHED and "protocol" in later.ended
    assert pool.open_session(LIMITS).run("1 + 1").value == "2"


def test_the_fifos_are_gone_once_the_runner_has_them(pool):
    assert pool.direct_io
    with pool.open_session(LIMITS) as session:
        probe = session.run("import os\n(os.listdir('/r1v-io'), sorted(os.listdir('/proc/1')) and "
                            "os.access('/proc/1/fd', os.R_OK))")
        assert probe.value == "([], False)", probe
    assert glob.glob(os.path.join(tempfile.gettempdir(), "r1verify-io-*")) == []  # removed on the host too


def test_a_failing_fifo_start_falls_back_to_stdio(sandbox_image, monkeypatch):
    from r1verify_sandbox import direct_io

    def broken(_backend):
        raise OSError("no FIFOs here")

    monkeypatch.setattr(direct_io, "spawn", broken)
    with SessionPool(backend="docker", warm=1, max_sessions=1, direct_io=True) as pool:
        assert not pool.direct_io
        assert pool.open_session(LIMITS).run("6 * 7").value == "42"


def test_many_sessions_leak_nothing(sandbox_image):
    """60 sessions through a pool of two containers: the same containers, no descriptor or thread growth."""
    import threading

    with SessionPool(backend="docker", warm=2, max_sessions=2) as pool:
        def cycle(i: int) -> None:
            with pool.open_session(LIMITS) as session:
                assert session.run(f"v = {i}\nopen('f', 'w').write(str(v))\nv + 1").value == str(i + 1)

        for i in range(10):  # warm-up: the recycler's threads, the page cache
            cycle(i)
        names, fds, threads = pool.container_names, len(os.listdir("/proc/self/fd")), threading.active_count()
        for i in range(60):
            cycle(i)
        assert pool.container_names == names and pool.replaced == 0
        # the recycler may still start some of its 4 threads; a leak per session would show up 60 times
        assert len(os.listdir("/proc/self/fd")) <= fds + 4 and threading.active_count() <= threads + 4
