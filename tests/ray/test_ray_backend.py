"""`--backend ray` against the local backend on the bundled real completions: the same rows in the same order,
the same verdicts and rewards, the same summary, the same exit code and message for a bad row.

One local Ray instance (2 CPUs) serves the whole module; the commands find it initialised and use it.
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from r1verify.backends.ray_stream import RAY_DATA_READER
from r1verify.cli import cli

pytestmark = pytest.mark.usefixtures("ray_local")

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
MATH = DATA / "math_generations.jsonl"
RAY = ("--backend", "ray", "--actors", "2", "--workers", "1")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def comparable(records: list[dict]) -> list[dict]:
    """Records without what depends on timing or on which rows shared a batch (elapsed, details.cached)."""
    for record in records:
        for verdict in record.get("verdicts", {}).values():
            verdict.pop("elapsed", None)
            verdict.get("details", {}).pop("cached", None)
    return records


def summary_counts(path: Path) -> dict:
    data = json.loads(path.read_text())
    for key in ("wall_seconds", "rows_per_second"):
        data.pop(key)
    for stats in data.get("verifiers", {}).values():
        stats.pop("verifier_seconds")
    return data


def both(tmp_path: Path, command: str, src: Path, *args: str) -> tuple:
    """Run ``command`` with each backend; (local result, ray result, local out, ray out)."""
    results = []
    for backend, extra in (("local", ()), ("ray", RAY)):
        out = tmp_path / backend / "out.jsonl"
        out.parent.mkdir(exist_ok=True)
        summary = tmp_path / backend / "summary.json"
        result = run(command, str(src), *args, *extra, "--out", str(out), "--summary", "none",
                     "--summary-json", str(summary))
        results.append((result, out, summary))
    (local, local_out, local_summary), (ray, ray_out, ray_summary) = results
    return local, ray, local_out, ray_out, local_summary, ray_summary


def test_verify_gives_the_local_verdicts_rewards_order_and_summary(tmp_path):
    local, ray, local_out, ray_out, local_summary, ray_summary = both(tmp_path, "verify", MATH, "-r", "reasoning-rl")
    assert local.exit_code == 0 and ray.exit_code == 0, ray.stderr
    expected = comparable(read(local_out))
    assert len(expected) == 96 and {r["verdicts"]["accuracy"]["status"] for r in expected} >= {"correct", "wrong"}
    assert comparable(read(ray_out)) == expected  # 8 shards over 2 actors, back in input order
    assert summary_counts(ray_summary) == summary_counts(local_summary)


def test_parquet_input_gives_the_jsonl_results(tmp_path):
    rows = read(MATH)
    src = tmp_path / "gens.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src, row_group_size=10)
    local, ray, local_out, ray_out, *_ = both(tmp_path, "verify", src, "-r", "reasoning-rl")
    assert local.exit_code == 0 and ray.exit_code == 0, ray.stderr
    assert comparable(read(ray_out)) == comparable(read(local_out))
    assert [r["id"] for r in read(ray_out)] == [r["id"] for r in rows]


def test_filter_keeps_and_rejects_the_same_rows_for_the_same_reasons(tmp_path):
    local, ray, local_out, ray_out, local_summary, ray_summary = both(
        tmp_path, "filter", MATH, "--format", "original"
    )
    assert local.exit_code == 0 and ray.exit_code == 0, ray.stderr
    assert read(ray_out) == read(local_out) and read(local_out)
    assert read(ray_out.with_suffix(".rejects.jsonl")) == read(local_out.with_suffix(".rejects.jsonl"))
    assert summary_counts(ray_summary) == summary_counts(local_summary)


def test_reject_groups_across_shards_even_when_the_input_is_shuffled(tmp_path):
    rows = read(MATH)
    random.Random(7).shuffle(rows)  # every prompt's 8 generations now spread over all 8 shards
    src = tmp_path / "shuffled.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ("--group-by", "id", "--unsorted", "--keep", "best", "--format", "original")
    local, ray, local_out, ray_out, local_summary, ray_summary = both(tmp_path, "reject", src, *args)
    assert local.exit_code == 0 and ray.exit_code == 0, ray.stderr
    assert read(ray_out) == read(local_out)
    stats = summary_counts(ray_summary)
    assert stats == summary_counts(local_summary) and stats["prompts"] == 12 and stats["generations"] == 96
    # without --unsorted both refuse the shuffled input the same way
    plain = [run("reject", str(src), "--group-by", "id", *extra, "--out", str(tmp_path / "x.jsonl"),
                 "--summary", "none") for extra in ((), RAY)]
    assert plain[0].exit_code == plain[1].exit_code == 2
    assert "Pass --unsorted" in plain[1].stderr
    assert plain[0].stderr.splitlines()[-1] == plain[1].stderr.splitlines()[-1]


def broken_copy(tmp_path: Path, line: int, bad: str) -> Path:
    lines = MATH.read_text().splitlines()
    lines[line - 1] = bad
    src = tmp_path / "broken.jsonl"
    src.write_text("\n".join(lines) + "\n")
    return src


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x", "prompt": "p", "response": "no completion column"}', "field 'completion': missing"),
        ('{"id": "x", "completion": {"not": "text"}}', "field 'completion': expected a string"),
        ('{"id": "x", "completion": "cut', "invalid JSON"),
    ],
)
def test_a_bad_row_stops_with_exit_2_and_the_local_message(tmp_path, bad, message):
    src = broken_copy(tmp_path, 70, bad)
    local, ray, local_out, ray_out, *_ = both(tmp_path, "verify", src, "-r", "reasoning-rl")
    assert local.exit_code == ray.exit_code == 2
    assert f"{src}:70: " in ray.stderr and message in ray.stderr
    assert "69 rows before it were verified" in ray.stderr
    assert ray.stderr.replace("/ray/", "/local/").splitlines()[-3:] == local.stderr.splitlines()[-3:]
    assert comparable(read(ray_out)) == comparable(read(local_out)) and len(read(ray_out)) == 69
    # the stopped execution's reader threads are gone: one left inside Ray when Ray shuts down (here at the end of
    # the module, in a command at its exit) ends the process with exit code 1 and no output
    assert [t.name for t in threading.enumerate() if t.name == RAY_DATA_READER] == []


def test_skip_invalid_and_limit_count_rows_like_the_local_backend(tmp_path):
    src = broken_copy(tmp_path, 5, "[1, 2, 3]")
    args = ("-r", "reasoning-rl", "--skip-invalid", "--limit", "40")
    local, ray, local_out, ray_out, local_summary, ray_summary = both(tmp_path, "verify", src, *args)
    assert local.exit_code == ray.exit_code == 0
    assert comparable(read(ray_out)) == comparable(read(local_out)) and len(read(ray_out)) == 40
    data = json.loads(ray_summary.read_text())
    assert data["skipped_invalid_rows"] == 1 and data["first_invalid_rows"] == [f"{src}:5: expected a JSON object, got list"]
    assert summary_counts(ray_summary) == summary_counts(local_summary)


def test_more_cpus_than_the_cluster_has_is_refused_with_the_fix(tmp_path):
    result = run("verify", str(MATH), "-r", "reasoning-rl", "--backend", "ray", "--actors", "3", "--workers", "1",
                 "--out", str(tmp_path / "o.jsonl"), "--summary", "none")
    assert result.exit_code == 2 and "needs 3 CPUs but the Ray cluster has 2" in result.stderr
