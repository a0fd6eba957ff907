"""The runner's behaviour through the local backend (same runner, no isolation): no Docker needed."""

from __future__ import annotations

import pytest
from r1verify_sandbox import ExecStatus, Limits, Program, SandboxPool

FAST = Limits(timeout=1.0, memory_mb=256)


@pytest.fixture(scope="module")
def local_pool():
    with SandboxPool(backend="local", workers=2) as pool:
        yield pool


def test_python_reads_stdin_per_input(local_pool):
    result = local_pool.run(Program("print(input()[::-1])", inputs=["abc", "xy"]))
    assert result.status is ExecStatus.OK
    assert [r.stdout for r in result.runs] == ["cba\n", "yx\n"]


def test_every_run_starts_in_a_fresh_work_dir(local_pool):
    source = "import os\nprint(sorted(os.listdir('.')))\nopen('mine.txt', 'w').write('x')\n"
    result = local_pool.run(Program(source, inputs=["", ""]))
    assert [r.stdout for r in result.runs] == ["['main.py']\n", "['main.py']\n"]


def test_cpp_compiles_once_and_runs_each_input(local_pool):
    source = "#include <iostream>\nint main(){ long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n"
    result = local_pool.run(Program(source, "cpp", inputs=["1 2", "40 2"]))
    assert result.compile is not None and result.compile.ok
    assert [r.stdout for r in result.runs] == ["3\n", "42\n"]
    listing = '#include <cstdio>\nint main(){ std::puts(std::fopen("main.cpp", "r") ? "source" : "no source"); }'
    assert local_pool.execute(listing, "cpp").stdout == "no source\n"  # deleted after compiling


def test_statuses(local_pool):
    programs = {
        ExecStatus.RUNTIME_ERROR: Program("raise ValueError('boom')", limits=FAST),
        ExecStatus.TIMEOUT: Program("while True: pass", limits=FAST),
        ExecStatus.MEMORY_LIMIT: Program("x = bytearray(600 * 1024 * 1024)", limits=FAST),
        ExecStatus.OUTPUT_LIMIT: Program("while True: print('x' * 1000)", limits=Limits(timeout=5, max_output=10_000)),
        ExecStatus.COMPILE_ERROR: Program("int main() { return nope; }", "cpp", limits=FAST),
    }
    results = dict(zip(programs, local_pool.run_many(list(programs.values()))))
    for expected, result in results.items():
        assert result.status is expected, (expected, result)
    assert "ValueError: boom" in results[ExecStatus.RUNTIME_ERROR].runs[0].stderr
    assert results[ExecStatus.RUNTIME_ERROR].runs[0].exit_code == 1
    assert results[ExecStatus.OUTPUT_LIMIT].runs[0].stdout_bytes > 10_000
    assert len(results[ExecStatus.OUTPUT_LIMIT].runs[0].stdout) <= 10_000
    assert results[ExecStatus.COMPILE_ERROR].runs == []
    assert "nope" in results[ExecStatus.COMPILE_ERROR].compile.stderr


def test_exit_codes_and_system_exit_like_the_interpreter(local_pool):
    results = local_pool.run_many(
        [Program("import sys; sys.exit(3)"), Program("raise SystemExit('bye')"), Program("import sys; sys.exit()")]
    )
    assert [(r.runs[0].exit_code, r.runs[0].stderr) for r in results] == [(3, ""), (1, "bye\n"), (0, "")]


def test_main_guard_and_module_globals(local_pool):
    source = "import sys\ndef f():\n    return 7\nif __name__ == '__main__':\n    print(f(), sys.argv[0])\n"
    assert local_pool.run(Program(source)).runs[0].stdout == "7 main.py\n"


def test_stop_on_failure_stops_at_the_first_failing_run(local_pool):
    source = "x = int(input())\nassert x != 2\nprint(x)"
    result = local_pool.run(Program(source, inputs=["1", "2", "3"], stop_on_failure=True))
    assert [r.status for r in result.runs] == [ExecStatus.OK, ExecStatus.RUNTIME_ERROR]
    assert local_pool.run(Program(source, inputs=["1", "2", "3"])).runs[2].stdout == "3\n"


def test_total_budget_skips_runs_that_cannot_start(local_pool):
    limits = Limits(timeout=0.5, total_timeout=1.0)
    result = local_pool.run(Program("while True: pass", inputs=[""] * 5, limits=limits))
    statuses = [r.status for r in result.runs]
    assert statuses == [ExecStatus.TIMEOUT] * 5
    assert "budget" in result.runs[-1].stderr and result.runs[-1].duration == 0.0


def test_bad_file_names_are_rejected_as_sandbox_errors(local_pool):
    result = local_pool.run(Program("print(1)", files={"../escape.txt": "x"}))
    assert result.status is ExecStatus.SANDBOX_ERROR and "inside the work directory" in result.error
    assert local_pool.run(Program("print(2)")).runs[0].stdout == "2\n"


def test_execute_returns_the_single_run(local_pool):
    assert local_pool.execute("print(sum(map(int, input().split())))", stdin="2 3").stdout == "5\n"
    assert local_pool.execute("int main( {", "cpp").status is ExecStatus.COMPILE_ERROR


def test_the_runner_gets_a_clean_environment(local_pool, monkeypatch):
    monkeypatch.setenv("R1VERIFY_TEST_SECRET", "hunter2")
    with SandboxPool(backend="local", workers=1) as pool:
        out = pool.execute("import os\nprint(sorted(os.environ))").stdout
    assert "R1VERIFY_TEST_SECRET" not in out and "HOME" in out


def test_text_that_is_not_valid_unicode_does_not_break_the_runner(local_pool):
    result = local_pool.run(Program("print('\ud800')", inputs=["\udcff"]))
    assert result.status is ExecStatus.RUNTIME_ERROR  # the source is not valid UTF-8 on disk
    assert local_pool.run(Program("print(len(input()))", inputs=["\udcff\n"])).status is ExecStatus.RUNTIME_ERROR
    assert local_pool.execute("print('still serving')").stdout == "still serving\n"
