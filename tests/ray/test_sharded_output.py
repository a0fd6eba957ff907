"""`--backend ray --out DIR/` (issue 28): the actors write one part per input shard and a manifest; the parts,
concatenated by name, are the single-file output; a rerun resumes from the manifest, redoing torn parts only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .test_ray_backend import MATH, RAY, comparable, read, run, summary_counts

pytestmark = pytest.mark.usefixtures("ray_local")


def parts(folder: Path, suffix: str = ".jsonl") -> list[dict]:
    names = sorted(p for p in folder.glob(f"part-*{suffix}") if p.name.count(".") == suffix.count(".") + 0)
    return [row for name in names for row in read(name)]


def sharded(tmp_path: Path, command: str, src: Path, out: Path, *args: str):
    summary = tmp_path / f"{command}-summary.json"
    result = run(command, str(src), *args, *RAY, "--out", f"{out}/", "--summary", "none", "--summary-json", str(summary))
    return result, summary


def test_verify_parts_are_the_single_file_output_and_the_summary_is_the_same(tmp_path):
    local_out, local_summary = tmp_path / "local.jsonl", tmp_path / "local-summary.json"
    local = run("verify", str(MATH), "-r", "reasoning-rl", "--out", str(local_out), "--summary", "none",
                "--summary-json", str(local_summary))
    assert local.exit_code == 0
    result, summary = sharded(tmp_path, "verify", MATH, tmp_path / "parts", "-r", "reasoning-rl")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert names == ["_r1verify_done", "_r1verify_manifest.json"] + [f"part-{i:05d}.jsonl" for i in range(8)]
    assert sorted(p.name for p in (tmp_path / "parts" / "_r1verify_done").iterdir()) == [f"{i:05d}.json" for i in range(8)]
    assert comparable(parts(tmp_path / "parts")) == comparable(read(local_out))
    got = summary_counts(summary)
    assert got.pop("shards") == 8 and got.pop("resumed_shards") == 0 and got.pop("out").endswith("parts/")
    expected = summary_counts(local_summary)
    assert got.pop("mean_reward") == pytest.approx(expected.pop("mean_reward"))  # summed in another order
    assert got == expected
    manifest = json.loads((tmp_path / "parts" / "_r1verify_manifest.json").read_text())
    done = [json.loads(p.read_text()) for p in sorted((tmp_path / "parts" / "_r1verify_done").iterdir())]
    assert manifest["complete"] and sum(d["files"][f"part-{d['index']:05d}.jsonl"]["rows"] for d in done) == 96


def test_filter_writes_kept_and_rejected_parts(tmp_path):
    local = run("filter", str(MATH), "--format", "original", "--out", str(tmp_path / "kept.jsonl"), "--summary", "none")
    assert local.exit_code == 0
    result, summary = sharded(tmp_path, "filter", MATH, tmp_path / "parts", "--format", "original")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "parts"
    kept = [r for p in sorted(folder.glob("part-*.kept.jsonl")) for r in read(p)]
    rejected = [r for p in sorted(folder.glob("part-*.rejected.jsonl")) for r in read(p)]
    assert kept == read(tmp_path / "kept.jsonl") and kept
    assert rejected == read(tmp_path / "kept.rejects.jsonl")
    assert json.loads(summary.read_text())["kept"] == len(kept)


def test_a_rerun_keeps_intact_parts_and_redoes_torn_ones(tmp_path):
    folder = tmp_path / "parts"
    first, _ = sharded(tmp_path, "verify", MATH, folder, "-r", "reasoning-rl")
    assert first.exit_code == 0
    whole = comparable(parts(folder))
    (folder / "part-00003.jsonl").unlink()  # lost
    torn = folder / "part-00005.jsonl"
    torn.write_bytes(torn.read_bytes()[:-40])  # cut short: exists, but not what the manifest says
    again, summary = sharded(tmp_path, "verify", MATH, folder, "-r", "reasoning-rl")
    assert again.exit_code == 0, again.output
    data = json.loads(summary.read_text())
    assert data["resumed_shards"] == 6 and data["rows"] == 96
    assert comparable(parts(folder)) == whole  # no row lost, none twice


def test_another_jobs_folder_is_refused(tmp_path):
    folder = tmp_path / "parts"
    assert sharded(tmp_path, "verify", MATH, folder, "-r", "reasoning-rl")[0].exit_code == 0
    other, _ = sharded(tmp_path, "verify", MATH, folder, "-v", "think_format")
    assert other.exit_code == 2 and "holds the parts of another job" in other.stderr


def test_a_bad_row_exits_2_and_its_shard_is_left_unfinished(tmp_path):
    rows = read(MATH)
    src = tmp_path / "in.jsonl"
    lines = [json.dumps(r) for r in rows]
    lines[40] = '{"id": "bad", "completion": 7}'
    src.write_text("\n".join(lines) + "\n")
    result, _ = sharded(tmp_path, "verify", src, tmp_path / "parts", "-r", "reasoning-rl")
    assert result.exit_code == 2
    assert f"{src}:41: field 'completion'" in result.stderr and "--skip-invalid" in result.stderr
    manifest = json.loads((tmp_path / "parts" / "_r1verify_manifest.json").read_text())
    assert len(list((tmp_path / "parts" / "_r1verify_done").iterdir())) == 7 and not manifest["complete"]
    skipping, summary = sharded(tmp_path, "verify", src, tmp_path / "skip", "-r", "reasoning-rl", "--skip-invalid")
    assert skipping.exit_code == 0 and len(parts(tmp_path / "skip")) == 95
    assert json.loads(summary.read_text())["skipped_invalid_rows"] == 1


def test_a_folder_needs_the_ray_backend(tmp_path):
    result = run("verify", str(MATH), "-r", "reasoning-rl", "--out", f"{tmp_path}/parts/")
    assert result.exit_code == 2 and "needs --backend ray" in result.stderr


def test_a_finished_job_run_again_needs_no_cluster(tmp_path):
    """Every part intact: the rerun prints the summary from the manifest without starting or joining Ray (here
    an address where nothing listens would fail the command if it tried)."""
    folder = tmp_path / "parts"
    assert sharded(tmp_path, "verify", MATH, folder, "-r", "reasoning-rl")[0].exit_code == 0
    again = subprocess.run(
        [str(Path(sys.executable).with_name("r1verify")), "verify", str(MATH), "-r", "reasoning-rl", "--backend",
         "ray", "--address", "127.0.0.1:9", "--actors", "2", "--workers", "1", "-o", f"{folder}/", "--summary",
         "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stderr.strip().splitlines()[-1])["summary"]
    assert summary["resumed_shards"] == 8 and summary["rows"] == 96
    assert summary["rows_per_second"] == 0  # nothing verified by this run (not 96 rows over its 0.001 s)
    (folder / "part-00001.jsonl").unlink()  # now there is work to do: the cluster is needed, and unreachable
    failed = subprocess.run(again.args, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2 and "cannot start or join the Ray cluster at '127.0.0.1:9'" in failed.stderr
