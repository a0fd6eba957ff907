"""Hostile programs for the sandbox, each with the status it must end with.

Every program runs in the real Docker sandbox with small limits (256 MiB, 1 MiB of output, 1 s for programs
meant to run forever). Programs
that probe something print what they found; ``expect_stdout`` lists what must (``+``) or must not (``-``) appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from r1verify_sandbox import ExecStatus, Limits

LIMITS = Limits(timeout=5.0, memory_mb=256, max_output=1 << 20, max_procs=32, compile_timeout=3.0)
"""Generous wall time for programs that should end by themselves (the machine may be busy)..."""
SHORT = Limits(timeout=1.0, memory_mb=256, max_output=1 << 20, max_procs=32)
"""...and a short one for those whose point is to run forever."""


@dataclass(frozen=True)
class Hostile:
    name: str
    source: str
    status: ExecStatus
    language: str = "python"
    stdin: str = ""
    must_print: tuple[str, ...] = ()
    must_not_print: tuple[str, ...] = ()
    stderr_has: str = ""
    signal: int | None = None
    limits: Limits = field(default=LIMITS)


def _py(name: str, source: str, status: ExecStatus, **kw) -> Hostile:
    return Hostile(name, source, status, **kw)


PROBE = """
def probe(label, action):
    try:
        action()
        print(label, "ALLOWED")
    except BaseException as exc:
        print(label, "denied", type(exc).__name__)
"""

HOSTILE: list[Hostile] = [
    _py("infinite loop", "while True:\n    pass\n", ExecStatus.TIMEOUT, limits=SHORT),
    _py("sleep", "import time\ntime.sleep(100)\n", ExecStatus.TIMEOUT, limits=SHORT),
    _py(
        "fork bomb",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        ExecStatus.TIMEOUT,
        limits=SHORT,
    ),
    _py(
        "thread bomb",
        "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(100,), daemon=True).start()\n",
        ExecStatus.RUNTIME_ERROR,
        stderr_has="can't start new thread",
    ),
    _py("memory bomb", "chunks = []\nwhile True:\n    chunks.append(bytearray(10_000_000))\n", ExecStatus.MEMORY_LIMIT),
    Hostile(
        "C++ memory bomb",
        "#include <cstring>\n#include <vector>\nint main(){ std::vector<char*> v; for(;;){ char* p = new char[1<<24];"
        " std::memset(p, 1, 1<<24); v.push_back(p);} }\n",
        ExecStatus.MEMORY_LIMIT,
        language="cpp",
    ),
    _py(
        "disk filler: one huge file",
        "with open('big', 'wb') as fh:\n    while True:\n        fh.write(b'x' * (1 << 20))\n",
        ExecStatus.RUNTIME_ERROR,
        stderr_has="File too large",
    ),
    _py(
        "disk filler: /tmp until full",
        "import os\nos.makedirs('/tmp/fill', exist_ok=True)\ni = 0\nwhile True:\n"
        "    with open(f'/tmp/fill/{i}', 'wb') as fh:\n        fh.write(b'x' * (30 << 20))\n    i += 1\n",
        ExecStatus.RUNTIME_ERROR,
        stderr_has="No space left on device",
    ),
    _py(
        "1 GB of output",
        "import sys\nchunk = 'x' * 65536\nfor _ in range(16384):\n    sys.stdout.write(chunk)\n",
        ExecStatus.OUTPUT_LIMIT,
    ),
    _py("stderr flood", "import sys\nwhile True:\n    sys.stderr.write('e' * 65536)\n", ExecStatus.OUTPUT_LIMIT),
    _py(
        "network connect",
        PROBE + "import socket\n"
        "probe('internet', lambda: socket.create_connection(('1.1.1.1', 80), timeout=2))\n"
        "probe('dns', lambda: socket.getaddrinfo('example.com', 80))\n"
        "print('interfaces', [n for _, n in socket.if_nameindex()])\n",
        ExecStatus.OK,
        must_print=("internet denied", "dns denied", "interfaces ['lo']"),
        must_not_print=("ALLOWED",),
    ),
    _py(
        "reading host files",
        PROBE + "import os\n"
        "probe('docker socket', lambda: open('/var/run/docker.sock', 'rb'))\n"
        "probe('host repo', lambda: os.listdir('/work'))\n"
        "probe('root home', lambda: os.listdir('/root'))\n"
        "probe('shadow', lambda: open('/etc/shadow').read())\n",
        ExecStatus.OK,
        must_print=("docker socket denied", "host repo denied", "root home denied", "shadow denied"),
        must_not_print=("ALLOWED",),
    ),
    _py(
        "writing outside the work dir",
        PROBE + "probe('root fs', lambda: open('/evil', 'w'))\n"
        "probe('runner', lambda: open('/opt/r1verify/runner.py', 'a'))\n"
        "import glob, os\npyc = glob.glob('/opt/r1verify/r1runner/__pycache__/main.*.pyc')\n"
        "print('runner package', os.path.isfile('/opt/r1verify/r1runner/main.py'), len(pyc))\n"
        "probe('runner module', lambda: open('/opt/r1verify/r1runner/main.py', 'a'))\n"
        "probe('runner new module', lambda: open('/opt/r1verify/r1runner/evil.py', 'w'))\n"
        "probe('runner bytecode', lambda: open(pyc[0], 'r+b'))\n"
        "probe('usr', lambda: open('/usr/bin/evil', 'w'))\n"
        "probe('etc', lambda: open('/etc/passwd', 'a'))\n",
        ExecStatus.OK,
        must_print=(
            "root fs denied", "runner denied", "runner package True 1", "runner module denied",
            "runner new module denied", "runner bytecode denied", "usr denied", "etc denied",
        ),
        must_not_print=("ALLOWED",),
    ),
    _py(
        "killing the runner",
        "import os, signal\n"
        "for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):\n"
        "    os.kill(1, sig)\n    os.kill(os.getppid(), sig)\n"
        "try:\n    os.kill(-1, signal.SIGKILL)\nexcept ProcessLookupError:\n    pass\n"
        "print('still here, parent', os.getppid())\n",
        ExecStatus.OK,
        must_print=("still here, parent 1",),
    ),
    Hostile(
        "C++ killing the runner",
        "#include <csignal>\n#include <cstdio>\n#include <unistd.h>\nint main(){ kill(1, SIGKILL); kill(getppid(), SIGKILL);"
        ' kill(-1, SIGKILL); std::puts("alive"); }\n',
        ExecStatus.OK,
        language="cpp",
        must_print=("alive",),
    ),
    _py(
        "signal to itself",
        "import os, signal\nos.kill(os.getpid(), signal.SIGABRT)\n",
        ExecStatus.RUNTIME_ERROR,
        signal=6,
    ),
    _py("stops itself", "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n", ExecStatus.TIMEOUT, limits=SHORT),
    _py("segfault via ctypes", "import ctypes\nctypes.string_at(0)\n", ExecStatus.RUNTIME_ERROR, signal=11),
    Hostile(
        "C++ null dereference",
        "int main(){ volatile int* p = nullptr; return *p; }\n",
        ExecStatus.RUNTIME_ERROR,
        language="cpp",
        signal=11,
    ),
    _py("os.setuid", "import os\nos.setuid(0)\n", ExecStatus.RUNTIME_ERROR, stderr_has="PermissionError"),
    _py(
        "/proc snooping",
        PROBE + "import os, ctypes\n"
        "probe('runner environ', lambda: open('/proc/1/environ', 'rb').read())\n"
        "probe('runner memory', lambda: open('/proc/1/mem', 'rb').read(1))\n"
        "probe('runner fds', lambda: os.listdir('/proc/1/fd'))\n"
        "probe('runner stdout pipe', lambda: open('/proc/1/fd/1', 'wb'))\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def attach():\n    if libc.ptrace(16, 1, 0, 0) != 0:\n        raise OSError(ctypes.get_errno(), 'ptrace')\n"
        "probe('ptrace runner', attach)\n",
        ExecStatus.OK,
        must_print=(
            "runner environ denied",
            "runner memory denied",
            "runner fds denied",
            "runner stdout pipe denied",
            "ptrace runner denied",
        ),
        must_not_print=("ALLOWED",),
    ),
    _py(
        "mount and namespace snooping",
        PROBE + "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "def call(fn, *args):\n    def run():\n        if fn(*args) != 0:\n"
        "            raise OSError(ctypes.get_errno(), fn.__name__)\n    return run\n"
        "probe('mount', call(libc.mount, b'none', b'/tmp', b'tmpfs', 0, None))\n"
        "probe('unshare user ns', call(libc.unshare, 0x10000000))\n"
        "probe('chroot', call(libc.chroot, b'/tmp'))\n"
        "mounts = open('/proc/self/mountinfo').read()\n"
        "print('docker socket mounted', 'docker.sock' in mounts)\n",
        ExecStatus.OK,
        must_print=("mount denied", "unshare user ns denied", "chroot denied", "docker socket mounted False"),
        must_not_print=("ALLOWED",),
    ),
    _py(
        "stray descriptors",
        PROBE + "import os\nfor fd in range(3, 64):\n"
        "    probe(f'fd {fd}', lambda fd=fd: os.write(fd, b'\\x00\\x00\\x00\\x02{}'))\n",
        ExecStatus.OK,
        must_not_print=("ALLOWED",),
    ),
    _py(
        "huge stdin",
        "import sys\nprint(len(sys.stdin.buffer.read()))\n",
        ExecStatus.OK,
        stdin="y" * 20_000_000,
        must_print=("20000000",),
    ),
    _py(
        "never reads stdin", "print('ignored it')\n", ExecStatus.OK, stdin="z" * 20_000_000, must_print=("ignored it",)
    ),
    _py(
        "huge argv",
        "import os\nos.execv('/bin/true', ['true', 'x' * 50_000_000])\n",
        ExecStatus.RUNTIME_ERROR,
        stderr_has="Argument list too long",
    ),
    _py("binary garbage output", "import os\nos.write(1, bytes(range(256)) * 64)\n", ExecStatus.OK),
    _py(
        "closes its output and spins",
        "import os\nos.close(1)\nos.close(2)\nwhile True:\n    pass\n",
        ExecStatus.TIMEOUT,
        limits=SHORT,
    ),
    _py(
        "escapes its session",
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(1000)\n"
        "    os._exit(0)\nprint('left a daemon behind')\n",
        ExecStatus.OK,
        must_print=("left a daemon behind",),
    ),
    _py(
        "environment leak",
        "import os\nprint(sorted(os.environ))\n",
        ExecStatus.OK,
        must_not_print=("R1VERIFY_TEST_SECRET",),
    ),
    Hostile("C++ compile error", "int main() { return undefined_name; }\n", ExecStatus.COMPILE_ERROR, language="cpp"),
    Hostile(
        "C++ compiles forever (template recursion)",
        "template <unsigned long N, unsigned long P> struct Blow {\n"
        "  static constexpr unsigned long v = Blow<N - 1, 2 * P>::v + Blow<N - 1, 2 * P + 1>::v;\n};\n"
        "template <unsigned long P> struct Blow<0, P> { static constexpr unsigned long v = P; };\n"
        "int main() { return (int)Blow<40, 1>::v; }\n",
        ExecStatus.COMPILE_ERROR,
        language="cpp",
    ),
]
