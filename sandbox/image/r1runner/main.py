"""The runner's command line and job loop: read a job, run it, scrub the scratch directories, write the result."""

from __future__ import annotations

import gc
import os
import sys

from .hardening import IS_INIT, harden_self
from .jobs import run_job
from .protocol import PROTOCOL, read_files, read_frame, write_frame, zero
from .session import Sessions
from .supervise import reap_all
from .workdir import scrub


def main(argv: list) -> int:
    """Run the runner: ``--work DIR [--scrub DIR ...] [--preload MODULES]``; 0 when the host closes the pipe."""
    import argparse

    parser = argparse.ArgumentParser(description="r1verify sandbox runner (framed JSON jobs on stdin/stdout)")
    parser.add_argument("--work", required=True, help="directory for work directories (emptied after each job)")
    parser.add_argument("--scrub", action="append", default=[], help="also empty this directory after each job")
    parser.add_argument("--preload", default="", help="comma-separated modules to import once, for Python runs")
    parser.add_argument("--io", default="", help="speak the protocol on the FIFOs DIR/in and DIR/out, not stdio")
    args = parser.parse_args(argv)

    if args.io:  # FIFOs the host made (r1verify_sandbox.direct_io) and removes once this runner said hello
        proto_in = os.open(os.path.join(args.io, "in"), os.O_RDONLY | os.O_CLOEXEC)
        proto_out = os.open(os.path.join(args.io, "out"), os.O_WRONLY | os.O_CLOEXEC)
    else:
        proto_in, proto_out = os.dup(0), os.dup(1)  # dup'ed descriptors are close-on-exec
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    harden_self()
    for module in filter(None, args.preload.split(",")):
        try:
            __import__(module)
        except ImportError:
            pass
    gc.freeze()  # children share the runner's objects: keep their GC from touching (and copying) those pages
    scratch = [args.work] + args.scrub
    os.makedirs(args.work, exist_ok=True)
    sessions = Sessions(args.work)
    try:
        write_frame(proto_out, {"ready": True, "protocol": PROTOCOL, "init": IS_INIT, "python": sys.version.split()[0]})
        while True:
            job = read_frame(proto_in)
            if job is None:
                return 0
            files = read_files(proto_in, job.get("files") or {})
            if files is None:
                return 0
            if "session" in job:  # a session's step (r1runner.session): scrub only when one closes
                try:
                    answer, closed = sessions.handle(job)
                except Exception as exc:  # noqa: BLE001 - a bad step ends the session, never the runner
                    sessions.drop()
                    answer, closed = {"error": f"{type(exc).__name__}: {exc}"}, True
                if closed:
                    reap_all()
                    answer["clean"] = scrub(scratch)
                write_frame(proto_out, answer)
                if closed:
                    sessions.prepare()  # the next session's interpreter, started while the host is busy elsewhere
                continue
            sessions.drop()
            work_root = os.path.join(args.work, "job")
            try:
                result = run_job(job, work_root, files)
            except Exception as exc:  # noqa: BLE001 - a bad job must not end the runner
                result = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                zero(files)
            reap_all()
            result["clean"] = scrub(scratch)
            write_frame(proto_out, result)
    except (BrokenPipeError, ConnectionResetError):
        return 0
