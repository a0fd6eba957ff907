"""Issue 28: a real two-node Ray cluster on this machine (Ray's own ``cluster_utils.Cluster``: a head with 2 CPUs
and a second node with 1 CPU, each its own raylet, all on 127.0.0.1), a sharded job across both, and the second
node killed (``remove_node(allow_graceful=False)``) while the job runs.

What it relies on (r1verify.backends.sharded.FAULT_TOLERANT): the actors spread over the nodes, an actor whose
node died is recreated on a node that is alive (``max_restarts=-1``) and the shard it was writing is retried
from the start (``max_task_retries=-1``), writing its part again under a new temporary name. The output must equal
a local run's, row for row, with no temporary file of the dead writer left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from r1verify.cli import cli

from ..sandbox.fixtures import sandbox_image  # noqa: F401 - fixture
from .conftest import import_ray
from .test_ray_backend import MATH, comparable, read

pytestmark = pytest.mark.slow
R1VERIFY = str(Path(sys.executable).with_name("r1verify"))
ROWS = 20_000


@pytest.fixture
def cluster():
    import_ray()
    from ray.cluster_utils import Cluster

    local = {"include_dashboard": False, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, connect=False, head_node_args={"num_cpus": 2, **local})
    worker = cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    yield cluster, worker
    cluster.shutdown()


def many_rows(path: Path) -> Path:
    """The bundled math completions, copied until there are ROWS, each copy unique (no cache shortcuts); ``prompt_id``
    puts each 8 consecutive rows (of one problem) in one group, as a rollout file's generations of a prompt."""
    base = read(MATH)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(ROWS):
            row = dict(base[i % len(base)])
            row["prompt_id"] = f"{row['id']}-{i // 8}"
            row["id"] = f"{row['id']}-{i}"
            row["completion"] = row["completion"].replace("<think>", f"<think>Attempt {i}. ", 1)
            fh.write(json.dumps(row) + "\n")
    return path


def run_killing_the_worker(cluster, args: list[str], out: Path, stage: str) -> tuple[dict, set[str]]:
    """Run ``r1verify ... --backend ray -o OUT/`` on the cluster and kill its second node as soon as the first
    record of ``stage`` (``shard``: a verified shard, ``group``: a reject bucket's parts) is written; the job's JSON
    summary and the records of that stage done at the kill."""
    ray_cluster, worker = cluster
    done_dir = out / "_r1verify_done"
    # a cluster on 127.0.0.1: without this Ray's driver rewrites the loopback address to the host's own IP, where
    # nothing listens (the nodes bind 127.0.0.1 only; no traffic leaves the loopback interface)
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    args = [R1VERIFY, *args, "--backend", "ray", "--address", ray_cluster.address, "--actors", "2", "--workers", "1",
            "-o", f"{out}/", "--summary", "json"]
    worker_pids = [p.process.pid for procs in worker.all_processes.values() for p in procs]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env)
    done_at_kill: set[str] | None = None
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        if done_at_kill is None and done_dir.exists():
            records = [p.name for p in done_dir.iterdir() if p.suffix == ".json" and not p.name.startswith(".")]
            done = {name for name in records if name.startswith("groups-") == (stage == "group")}
            if done:
                ray_cluster.remove_node(worker, allow_graceful=False)
                done_at_kill = done
        time.sleep(0.02)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr[-3000:]
    assert done_at_kill is not None, "the node was not killed mid-job"
    assert [p.name for p in out.rglob(".*")] == []  # no temporary file of the dead writer left
    assert not [pid for pid in worker_pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    return json.loads(stderr.strip().splitlines()[-1])["summary"], done_at_kill


def test_a_node_killed_mid_job_loses_nothing(tmp_path, cluster):
    src = many_rows(tmp_path / "in.jsonl")
    out = tmp_path / "parts"
    summary, done_at_kill = run_killing_the_worker(
        cluster, ["verify", str(src), "-v", "math", "-v", "think_format"], out, "shard")
    assert len(done_at_kill) < summary["shards"], "the node was killed after the last shard"
    assert summary["rows"] == ROWS

    reference = tmp_path / "local.jsonl"
    local = CliRunner().invoke(cli, ["verify", str(src), "-v", "math", "-v", "think_format", "--workers", "2",
                                     "-o", str(reference), "--summary", "none"])
    assert local.exit_code == 0
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == summary["shards"]
    assert comparable([r for p in parts for r in read(p)]) == comparable(read(reference))  # none lost, none twice


def test_a_node_killed_while_reject_groups_loses_nothing(tmp_path, cluster):
    """``reject``: the node dies in the group step (after the shuffle by prompt, while the buckets' tasks run);
    a bucket's task that died with it runs again on the head, and the kept generations and per-prompt lines equal a
    single-file run's."""
    src = many_rows(tmp_path / "in.jsonl")
    out = tmp_path / "parts"
    args = ["--group-by", "prompt_id", "--keep", "best", "--format", "original", "-v", "math", "-v", "think_format"]
    summary, done_at_kill = run_killing_the_worker(cluster, ["reject", str(src), *args], out, "group")
    manifest = json.loads((out / "_r1verify_manifest.json").read_text())
    assert len(done_at_kill) < manifest["buckets"], "the node was killed after the last bucket"
    after_kill = [json.loads(p.read_text()) for p in (out / "_r1verify_done").glob("groups-*.json")
                  if p.name not in done_at_kill]
    # the buckets left at the kill were written on the head (one the dead node finished just before may be
    # recorded after the kill, so not all of them)
    assert cluster[0].head_node.node_id in {r["node"] for r in after_kill}
    assert summary["generations"] == ROWS and summary["prompts"] == ROWS // 8

    reference, rates = tmp_path / "local.jsonl", tmp_path / "local-rates.jsonl"
    local = CliRunner().invoke(cli, ["reject", str(src), *args, "--unsorted", "--workers", "2", "--out", str(reference),
                                     "--per-prompt", str(rates), "--summary", "none"])
    assert local.exit_code == 0, local.output

    def lines(paths: list[Path]) -> list[str]:
        return sorted(line for path in paths for line in path.read_text().splitlines())

    assert lines(sorted(out.glob("part-?????.jsonl"))) == lines([reference])  # none lost, none twice
    assert lines(sorted(out.glob("part-*.per-prompt.jsonl"))) == lines([rates])
    assert not (out / "_r1verify_groups").exists()


@pytest.mark.docker
def test_code_rows_are_verified_on_both_nodes_each_with_its_own_sandbox_pool(tmp_path, cluster, sandbox_image):
    """The demo data (math and code rows) with the reasoning-rl recipe across both nodes: shards are written on
    each node (the done records name the node), the code verifier runs in each node's own pool, and the parts
    equal a local run's."""
    ray_cluster, _ = cluster
    demo = Path(__file__).resolve().parents[2] / "examples" / "data" / "demo.jsonl"
    out = tmp_path / "parts"
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    args = [R1VERIFY, "verify", str(demo), "-r", "reasoning-rl", "--backend", "ray", "--address", ray_cluster.address,
            "--actors", "2", "--workers", "1", "-o", f"{out}/", "--summary", "json"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(p.read_text()) for p in (out / "_r1verify_done").iterdir()]
    assert len({r["node"] for r in records}) == 2  # SPREAD: an actor on each node
    reference = tmp_path / "local.jsonl"
    local = CliRunner().invoke(cli, ["verify", str(demo), "-r", "reasoning-rl", "--workers", "2", "-o", str(reference),
                                     "--summary", "none"])
    assert local.exit_code == 0
    rows = [r for p in sorted(out.glob("part-*.jsonl")) for r in read(p)]

    def judged(records: list[dict]) -> list[tuple]:  # per-test timings inside code details differ run to run
        return [(r["id"], r["reward"], {k: (v["status"], v["score"], v["reason"]) for k, v in r["verdicts"].items()})
                for r in records]

    assert judged(rows) == judged(read(reference))
    assert {r["verdicts"]["code"]["status"] for r in rows if r["domain"] == "code"} >= {"correct", "wrong"}
