"""The Docker pool: hardened containers, concurrency, replacement, and errors that say how to fix them."""

from __future__ import annotations

import json
import subprocess

import pytest
from r1verify_sandbox import ExecStatus, ImageMissingError, Limits, Program, SandboxError, SandboxPool

pytestmark = pytest.mark.docker


def _inspect(name: str) -> dict:
    return json.loads(subprocess.run(["docker", "inspect", name], capture_output=True, text=True, check=True).stdout)[0]


def test_python_and_cpp_run(docker_pool):
    python, cpp = docker_pool.run_many(
        [
            Program("import sys\nprint(sys.version_info[0], input())", inputs=["hi"]),
            Program(
                "#include <bits/stdc++.h>\nint main(){ std::string s; std::cin >> s;"
                " std::reverse(s.begin(), s.end()); std::cout << s; }",
                "cpp",
                inputs=["abc", "hello"],
            ),
        ]
    )
    assert python.runs[0].stdout == "3 hi\n"
    assert cpp.compile.ok and [r.stdout for r in cpp.runs] == ["cba", "olleh"]


def test_containers_are_locked_down(docker_pool):
    info = _inspect(docker_pool.container_names[0])
    host = info["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
    assert "no-new-privileges" in host["SecurityOpt"]
    assert host["Privileged"] is False
    assert host["PidsLimit"] == 256 and host["Memory"] == 2048 * 1024 * 1024 and host["NanoCpus"] == 10**9
    assert "/tmp" in host["Tmpfs"] and not host["Binds"] and info["Mounts"] == []
    uid, gid = map(int, info["Config"]["User"].split(":"))
    assert uid == gid and 200_000 <= uid < 1_000_000  # a uid of its own, not root, not shared
    assert info["Config"]["Labels"]["r1verify.sandbox"] == "1"
    assert info["Config"]["Labels"]["r1verify.owner"].split("/")[2].isdigit()


def test_runner_is_init_and_each_container_has_its_own_uid(docker_pool):
    source = "import os\nprint(os.getuid(), os.getgid(), os.getppid())"
    outs = {r.runner: r.runs[0].stdout.split() for r in docker_pool.run_many([Program(source)] * 8)}
    uids = {out[0] for out in outs.values()}
    assert all(out[0] == out[1] != "0" and out[2] == "1" for out in outs.values())
    assert len(outs) == 2 and len(uids) == 2


def test_a_batch_is_spread_over_every_container(docker_pool):
    results = docker_pool.run_many([Program("import time; time.sleep(0.05)")] * 12)
    assert all(r.status is ExecStatus.OK for r in results)
    assert {r.runner for r in results} == set(docker_pool.container_names)


def test_worn_out_runners_are_replaced(sandbox_image):
    with SandboxPool(backend="docker", workers=1, max_uses=3) as pool:
        first = pool.container_names
        results = [pool.run(Program(f"print({i})")) for i in range(7)]
        assert [r.runs[0].stdout for r in results] == [f"{i}\n" for i in range(7)]
        assert pool.replaced == 2 and pool.container_names != first
        assert len({r.runner for r in results}) == 3


def test_a_container_that_dies_is_replaced(sandbox_image):
    with SandboxPool(backend="docker", workers=1) as pool:
        [name] = pool.container_names
        future = pool.submit(Program("import time; time.sleep(30)", limits=Limits(timeout=60)))
        subprocess.run(["docker", "kill", name], capture_output=True, check=True)
        lost = future.result(timeout=60)
        assert lost.status is ExecStatus.SANDBOX_ERROR and "runner" in lost.error
        assert pool.execute("print('back')").stdout == "back\n"
        assert pool.replaced == 1 and pool.container_names != [name]


def test_missing_image_says_how_to_build_it(docker_engine):
    with pytest.raises(ImageMissingError, match="r1verify sandbox build"):
        SandboxPool(backend="docker", workers=1, image="r1verify-sandbox:does-not-exist").start()


def test_close_removes_the_containers(sandbox_image):
    pool = SandboxPool(backend="docker", workers=2).start()
    names = pool.container_names
    pool.close()
    listed = subprocess.run(
        ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True, check=True
    ).stdout
    assert not set(names) & set(listed.split())
    with pytest.raises(SandboxError, match="closed"):
        pool.run(Program("print(1)"))


MEMORY_SCAN = """\
import ctypes, re
pattern = re.compile(rb"r1v-" + rb"file-[0-9]{12}")  # never whole in this source
hits = set()
for line in open("/proc/self/maps"):
    fields = line.split()
    low, high = (int(x, 16) for x in fields[0].split("-"))
    if fields[1][0] == "r" and high - low < 1 << 28 and not fields[-1].startswith("[v"):
        hits.update(m.group().decode() for m in pattern.finditer(ctypes.string_at(low, high - low)))
print(sorted(hits))
"""


def test_no_program_finds_file_contents_in_the_memory_it_inherits(sandbox_image):
    """The runner zeroes its copy of every file before it forks: neither an earlier program's files (a sibling
    completion's solution) nor this program's own (a harness's tests) are in a forked program's memory."""
    with SandboxPool(backend="docker", workers=1) as pool:
        earlier = pool.run(Program("print('stashed')", files={"answer.txt": "r1v-file-000000000001"}))
        scan = pool.run(Program(MEMORY_SCAN, files={"tests.json": "r1v-file-000000000002"}))
    assert earlier.status == "ok" and scan.status == "ok", scan.runs[0].stderr
    assert scan.runs[0].stdout == "[]\n"
