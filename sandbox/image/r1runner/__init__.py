"""The r1verify sandbox runner: runs untrusted programs on request, each in a fresh child process.

It runs as PID 1 of a locked-down container (or, for the local backend, as a plain process on the host) and
speaks a framed protocol on its stdin/stdout (or, with ``--io DIR``, on the FIFOs ``DIR/in`` and ``DIR/out``: the
session pool's direct pipes, see ``r1verify_sandbox.direct_io``): every message is a 4-byte big-endian length followed by UTF-8
JSON. On start it writes ``{"ready": true, ...}``; then, for each job it reads, it writes one result.

A job::

    {"files": {"main.cpp": 1234},                   # sizes; the bytes follow the message
     "compile": {"argv": [...], "timeout": 30, "memory_mb": 2048, "source": "main.cpp"} | null,
     "run": {"argv": ["./main"], "python": "main.py" | null, "trusted": false},
     "inputs": ["stdin of run 1", ...],
     "limits": {"timeout": 5, "memory_mb": 512, "max_output": 1048576, "max_file_mb": 64, "max_procs": 64},
     "stop_on_failure": false}

The files' bytes follow the job message directly (no frame), in order. The runner reads them into buffers, writes
them into a fresh work directory and zeroes the buffers before it forks anything: no program finds another
program's files (a sibling's solution, a test harness's tests) in the memory it inherits from the runner.

Its result: ``{"compile": RESULT | null, "runs": [RESULT, ...], "clean": true}`` where a RESULT is
``{"status", "exit_code", "signal", "stdout", "stderr", "duration", "cpu_time", "max_rss_mb", ...}`` and status is
one of ok, runtime_error, compile_error, timeout, memory_limit, output_limit, sandbox_error.

Every run gets a copy of the compiled work directory (without the source, which is deleted after compiling), its
stdin from a file, its own session and process group, rlimits (CPU, address space, file size, no core files; and
processes, as a container's init) and a wall deadline after which the whole group is killed. stdout and stderr are
read through pipes and the program is killed once either passes the cap. With ``"python"`` set the source is
executed inside a fork of this (already started) interpreter instead of a new ``python3`` process, which saves the
interpreter's start-up (~10 ms) per run.

As PID 1 of a container the runner also kills every other process after each run (``kill(-1)``: nothing a
program starts survives it, whatever session it escaped to), is immune to signals from the programs (the kernel
does not deliver SIGKILL/SIGSTOP to a namespace's init from inside), and wipes the scratch directories (``--scrub``)
between jobs so that no program sees another's files. It marks itself non-dumpable, so programs running as the
same user can neither ptrace it nor open its protocol pipes through /proc.

The modules, one concept each (``../runner.py`` is the script that starts it):

- :mod:`.protocol`: the framed messages and the job's file bytes on stdin/stdout;
- :mod:`.hardening`: the runner's own protection (non-dumpable, subreaper, signals) and whether it is init;
- :mod:`.child`: the forked child before ``exec``: session, descriptors, rlimits, environment;
- :mod:`.inprocess`: Python programs run inside the fork, and the trusted sources compiled once;
- :mod:`.supervise`: the parent's side of one run: pipes, deadline, output caps, killing and reaping;
- :mod:`.results`: a finished run's status (the classification) and the result of a run that never started;
- :mod:`.workdir`: the work directory: writing the job's files, copying, removing, scrubbing;
- :mod:`.jobs`: one job: compile once, then one run per input;
- :mod:`.session`: jobs with a ``"session"`` key: one persistent interpreter (:mod:`.repl`, a fresh process)
  per session, per-call deadlines and output caps, everything killed and scrubbed at close;
- :mod:`.main`: the command line and the job loop.

Standard library only: it runs on whatever python3 the image has (3.9 or newer). The modules import one another
relatively, so the package works both as ``r1runner`` (in the image) and as ``r1verify_sandbox.image.r1runner``.
"""
