"""One job: its files written, the program compiled once (if its language needs it), then run once per input."""

from __future__ import annotations

import os
import shutil
import time

from .inprocess import compile_trusted
from .protocol import zero
from .results import COMPILE_ERROR, OK, RUNTIME_ERROR, not_run
from .supervise import execute
from .workdir import inside, remove, write_file, write_text


def run_job(job: dict, work_root: str, files: list) -> dict:
    """Write the files, compile once (if the language needs it), then run the program once per input."""
    limits = job.get("limits") or {}
    build = os.path.join(work_root, "build")
    os.makedirs(build)
    for name, buffer in files:
        write_file(inside(build, name), buffer)
    zero(files)  # now, before any program is forked from this process
    result = {"compile": None, "runs": []}
    compile_step = job.get("compile")
    if compile_step:
        step_limits = dict(limits, max_procs=max(int(limits.get("max_procs", 64)), 64))
        compiled = execute(
            list(compile_step["argv"]),
            None,
            os.devnull,
            build,
            step_limits,
            float(compile_step.get("timeout", 30)),
            int(compile_step.get("memory_mb", 2048)),
        )
        result["compile"] = compiled
        if compiled["status"] != OK:
            if compiled["status"] == RUNTIME_ERROR:
                compiled["status"] = COMPILE_ERROR
            return result
        if compile_step.get("source"):  # the program runs without its source: nothing in it to read at run time
            remove(os.path.join(build, compile_step["source"]))
    run = job["run"]
    if run.get("python") and run.get("trusted"):
        compile_trusted(os.path.join(build, run["python"]))
    timeout = float(limits.get("timeout", 5))
    memory_mb = int(limits.get("memory_mb", 512))
    stdin_path = os.path.join(work_root, "stdin")
    total = limits.get("total_timeout")
    budget_end = time.monotonic() + float(total) if total else None
    inputs = job.get("inputs") or [""]
    for index, stdin in enumerate(inputs):
        run_timeout = timeout
        if budget_end is not None:
            run_timeout = min(timeout, budget_end - time.monotonic())
            if run_timeout <= 0:
                result["runs"].append(not_run("not run: the program's total time budget was spent"))
                continue
        single = len(inputs) == 1  # the build directory is fresh already: no copy needed
        cwd = build if single else os.path.join(work_root, f"run{index}")
        if not single:
            shutil.copytree(build, cwd, symlinks=True)
        write_text(stdin_path, stdin)
        outcome = execute(list(run["argv"]), run.get("python"), stdin_path, cwd, limits, run_timeout, memory_mb)
        result["runs"].append(outcome)
        if not single:
            remove(cwd)
        if job.get("stop_on_failure") and outcome["status"] != OK:
            break
    return result
