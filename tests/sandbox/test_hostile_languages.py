"""The hostile suite in every plugin language (java, javascript, go, rust) in the real Docker sandbox.

Each attack (see :mod:`.hostile_languages`) must end with a failure status, every probe denied, within its
limits plus slack; a normal program submitted right after it must run correctly; no container may be left
behind (counted by the pool's owner label); and a canary planted by one container must not be visible to the
programs of the others. Also: node's deep recursion is a clean RangeError, never a segfault.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from concurrent.futures import wait

import pytest
from r1verify_sandbox import ExecStatus, Limits, Program, ProgramResult, SandboxPool, docker

from .hostile_languages import (
    ATTACK_NAMES,
    ATTACKS,
    CANARY,
    DEEP_RECURSION,
    DEPTHS,
    LANGUAGES,
    NESTED_BEFORE_MAIN,
    SLACK,
    Attack,
)

pytestmark = pytest.mark.docker

NORMAL = (
    "import os, sys\nothers = [p for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid())]\n"
    "print(2 * int(sys.stdin.read()), others, sorted(os.listdir('/tmp')), os.listdir('/dev/shm'))\n"
)
"""The program each attack is followed by (python: no compile step, so the suite stays fast): it computes, and
finds no process, no file in /tmp and nothing in /dev/shm left by the attack before it."""
CANARY_SECONDS = 20.0


def _owned_containers() -> list[str]:
    listed = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label={docker.OWNER_LABEL}={docker.owner_id()}", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return listed.split()


@pytest.fixture(scope="module")
def before(sandbox_image) -> set[str]:
    """This process's sandbox containers before the suite's pool starts (e.g. the session's shared pool)."""
    return set(_owned_containers())


@pytest.fixture(scope="module")
def pool(before):
    pool = SandboxPool(backend="docker", workers=3).start()
    yield pool
    pool.close()


class Outcomes:
    def __init__(self) -> None:
        self.attacks: dict[str, ProgramResult] = {}
        self.after: dict[str, ProgramResult] = {}
        self.canary: ProgramResult | None = None
        self.canary_name = ""
        self.submitted_others = 0.0
        self.others_done = 0.0
        self.wall = 0.0


@pytest.fixture(scope="module")
def outcomes(pool) -> Outcomes:
    out = Outcomes()
    out.canary_name = f"canary-{uuid.uuid4().hex}"
    start = time.monotonic()
    canary_limits = Limits(timeout=CANARY_SECONDS + 10)
    canary = pool.submit(Program(CANARY, inputs=[f"{out.canary_name} {CANARY_SECONDS}"], limits=canary_limits))
    time.sleep(1.0)  # planted before any attacker can look
    out.submitted_others = time.time()
    # the cross-container attacks first, while the canary holds its container; each attack is followed by a
    # normal program, so the pool is seen serving after every attack
    ordered = sorted(ATTACKS, key=lambda a: a.attack != "other_containers")
    futures = {}
    for i, case in enumerate(ordered):
        futures[case.id] = pool.submit(Program(case.source, case.language, limits=case.limits))
        futures[case.id + "/after"] = pool.submit(Program(NORMAL, inputs=[str(i)]))
    wait([futures[a.id] for a in ordered if a.attack == "other_containers"])
    out.others_done = time.time()
    for case in ordered:
        out.attacks[case.id] = futures[case.id].result()
        out.after[case.id] = futures[case.id + "/after"].result()
    out.canary = canary.result()
    out.wall = time.monotonic() - start
    print(f"[hostile languages] {len(ordered)} attacks + {len(ordered)} normal programs in {out.wall:.1f}s")
    return out


def test_every_language_has_every_attack():
    assert sorted(a.id for a in ATTACKS) == sorted(f"{lang}-{name}" for lang in LANGUAGES for name in ATTACK_NAMES)


@pytest.mark.parametrize("case", ATTACKS, ids=[a.id for a in ATTACKS])
def test_attack_is_contained(case: Attack, outcomes: Outcomes):
    result = outcomes.attacks[case.id]
    if result.compile is not None:
        assert result.compile.ok, result.compile.stderr[-2000:]
        assert result.compile.duration < case.limits.compile_timeout + SLACK
    assert result.status in case.statuses, (result.status, result.runs[0].describe() if result.runs else result)
    assert result.status is not ExecStatus.OK  # an escape is never a verdict of ok
    run = result.runs[0]
    for text in case.must_print:
        assert text in run.stdout, (text, run.stdout, run.stderr[-500:])
    for text in case.must_not_print:
        assert text not in run.stdout, run.stdout
    if case.exit_code is not None:
        assert run.exit_code == case.exit_code, run.describe()
    assert run.duration < case.limits.timeout + SLACK, run.describe()
    after = outcomes.after[case.id]
    index = sorted(ATTACKS, key=lambda a: a.attack != "other_containers").index(case)
    assert after.status is ExecStatus.OK and after.runs[0].stdout == f"{2 * index} [] ['r1v'] []\n", after


def test_no_container_sees_another_containers_files(outcomes: Outcomes):
    canary = outcomes.canary
    assert canary is not None and canary.status is ExecStatus.OK, canary
    planted, done = canary.runs[0].stdout.splitlines()
    assert outcomes.canary_name in planted  # it was there, in its own container's /tmp and /dev/shm
    assert float(planted.split()[1]) < outcomes.submitted_others
    assert float(done.split()[1]) > outcomes.others_done  # ...for as long as the attackers looked
    for case in ATTACKS:
        assert outcomes.canary_name not in outcomes.attacks[case.id].runs[0].stdout, case.id


@pytest.fixture(scope="module")
def recursions(pool) -> dict[str, ProgramResult]:
    limits = Limits(timeout=5.0, memory_mb=256)
    programs = [Program(src, lang, inputs=list(DEPTHS), limits=limits) for lang, (src, _) in DEEP_RECURSION.items()]
    return dict(zip(DEEP_RECURSION, pool.run_many(programs), strict=True))


@pytest.mark.parametrize("language", LANGUAGES)
def test_deep_recursion_completes_or_fails_cleanly_never_by_sigsegv(language, recursions):
    deep, too_deep = recursions[language].runs
    assert deep.status is ExecStatus.OK and deep.stdout == f"{DEPTHS[0]}\n", deep.describe()
    assert too_deep.status in (ExecStatus.RUNTIME_ERROR, ExecStatus.MEMORY_LIMIT), too_deep.describe()
    assert too_deep.signal != signal.SIGSEGV, too_deep.describe()
    assert DEEP_RECURSION[language][1] in too_deep.stderr, too_deep.stderr[-1000:]


DOUBLE = {
    "java": "public class Main { public static void main(String[] a) {\n"
    "  System.out.println(2 * new java.util.Scanner(System.in).nextLong()); } }\n",
    "javascript": 'console.log(2 * Number(require("fs").readFileSync(0, "utf8")));\n',
    "go": 'package main\nimport "fmt"\nfunc main() { var x int64; fmt.Scan(&x); fmt.Println(2 * x) }\n',
    "rust": "fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap();\n"
    '  println!("{}", 2 * s.trim().parse::<i64>().unwrap()); }\n',
}


def test_java_with_a_nested_type_before_main_runs_main(pool):
    result = pool.run(Program(NESTED_BEFORE_MAIN, "java"))
    assert result.status is ExecStatus.OK and result.runs[0].stdout == "ran Main\n", result


def test_after_the_suite_every_language_still_runs_and_no_container_is_left(pool, outcomes, before):
    results = pool.run_many([Program(src, lang, inputs=["21"]) for lang, src in DOUBLE.items()])
    assert [(r.status, r.runs[0].stdout) for r in results] == [(ExecStatus.OK, "42\n")] * len(DOUBLE)
    assert pool.replaced == 0  # no attack killed its container
    mine = set(_owned_containers()) - before
    assert mine == set(pool.container_names) and len(mine) == 3
    pool.close()
    assert set(_owned_containers()) - before == set()


V8_FATAL_OOM = b"\n#\n# Fatal process OOM in Failed to reserve virtual memory for CodeRange\n#\n"
"""What node prints (then SIGTRAP) when a worker-thread bomb exhausts its address space (javascript-fork_bomb)."""


def test_v8_fatal_process_oom_is_memory_limit():
    from r1verify_sandbox.image.r1runner import results

    assert results.classify(None, None, signal.SIGTRAP, V8_FATAL_OOM, 0.2, 1.5, 60.0, 256) == results.MEMORY_LIMIT
