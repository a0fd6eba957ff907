"""`reject --backend ray --out DIR/` (issue 28): the rows are grouped by prompt in the cluster (a shuffle by group
key into buckets, then one task per bucket), so a prompt's generations may lie in any shard; the parts keep
exactly what a single-file run keeps, with the same per-prompt lines and statistics; a rerun resumes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from .test_ray_backend import MATH, read, run, summary_counts
from .test_sharded_output import sharded

pytestmark = pytest.mark.usefixtures("ray_local")

ARGS = ("--group-by", "id", "--keep", "best", "--format", "original")


def shuffled(tmp_path: Path) -> Path:
    rows = read(MATH)
    random.Random(7).shuffle(rows)  # every prompt's 8 generations spread over all 8 shards
    src = tmp_path / "shuffled.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return src


def by_json(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def rounded(value):
    """Summary numbers summed in another order differ in the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def kept_and_rates(folder: Path) -> tuple[list[dict], list[dict]]:
    kept = [r for p in sorted(folder.glob("part-?????.jsonl")) for r in read(p)]
    rates = [r for p in sorted(folder.glob("part-*.per-prompt.jsonl")) for r in read(p)]
    return kept, rates


def local_reject(tmp_path: Path, src: Path, *args: str) -> tuple[Path, Path, Path]:
    out, rates, summary = tmp_path / "local.jsonl", tmp_path / "local-rates.jsonl", tmp_path / "local-summary.json"
    result = run("reject", str(src), *args, "--unsorted", "--out", str(out), "--per-prompt", str(rates),
                 "--summary", "none", "--summary-json", str(summary))
    assert result.exit_code == 0, result.output
    return out, rates, summary


def test_parts_keep_what_a_single_file_run_keeps_grouped_in_the_cluster(tmp_path):
    src = shuffled(tmp_path)
    local_out, local_rates, local_summary = local_reject(tmp_path, src, *ARGS)
    folder = tmp_path / "parts"
    result, summary = sharded(tmp_path, "reject", src, folder, *ARGS)
    assert result.exit_code == 0, result.output
    kept, rates = kept_and_rates(folder)
    assert len(kept) == 12 and by_json(kept) == by_json(read(local_out))  # the best of each prompt, none twice
    assert by_json(rates) == by_json(read(local_rates))
    got, expected = rounded(summary_counts(summary)), rounded(summary_counts(local_summary))
    assert got.pop("shards") == 8 and got.pop("resumed_shards") == 0 and got.pop("out").endswith("parts/")
    assert got == expected and got["prompts"] == 12 and got["generations"] == 96
    manifest = json.loads((folder / "_r1verify_manifest.json").read_text())
    assert manifest["complete"] and manifest["buckets"] == 4  # 2 actors x 2
    assert not (folder / "_r1verify_groups").exists()  # the shuffle's files are deleted once every part is written
    assert [p.name for p in folder.rglob(".*")] == []


def test_keep_all_with_k_and_messages_format(tmp_path):
    src = shuffled(tmp_path)
    args = ("--group-by", "id", "--keep", "first", "-k", "2")
    local_out, _, _ = local_reject(tmp_path, src, *args)
    result, _ = sharded(tmp_path, "reject", src, tmp_path / "parts", *args)
    assert result.exit_code == 0, result.output
    kept, _ = kept_and_rates(tmp_path / "parts")
    assert by_json(kept) == by_json(read(local_out)) and all("messages" in r for r in kept)


def test_a_rerun_of_a_finished_job_keeps_it_and_a_lost_part_is_grouped_again(tmp_path):
    src = shuffled(tmp_path)
    folder = tmp_path / "parts"
    assert sharded(tmp_path, "reject", src, folder, *ARGS)[0].exit_code == 0
    whole = kept_and_rates(folder)
    manifest = folder / "_r1verify_manifest.json"  # as if the job stopped after its last part, before finishing
    manifest.write_text(manifest.read_text().replace('"complete": true', '"complete": false'))
    (folder / "_r1verify_groups").mkdir()
    again, summary = sharded(tmp_path, "reject", src, folder, *ARGS)
    assert again.exit_code == 0 and json.loads(summary.read_text())["resumed_shards"] == 8
    assert kept_and_rates(folder) == whole
    assert json.loads(manifest.read_text())["complete"] and not (folder / "_r1verify_groups").exists()
    (folder / "part-00002.jsonl").unlink()  # a lost part: its rows' group files are gone, so every shard is redone
    third, summary = sharded(tmp_path, "reject", src, folder, *ARGS)
    assert third.exit_code == 0, third.output
    data = json.loads(summary.read_text())
    assert data["resumed_shards"] == 0 and data["prompts"] == 12 and data["kept"] == 12
    assert [by_json(x) for x in kept_and_rates(folder)] == [by_json(x) for x in whole]


def test_a_row_without_the_group_column_exits_2_naming_it(tmp_path):
    rows = read(MATH)
    del rows[30]["id"]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result, _ = sharded(tmp_path, "reject", src, tmp_path / "parts", *ARGS)
    assert result.exit_code == 2
    assert f"{src}:31: field 'id': missing; it is needed to group generations by prompt" in result.stderr
    assert not list((tmp_path / "parts").glob("part-?????.jsonl"))  # no group step on a partial input


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--per-prompt", "rates.jsonl"), "holds the per-prompt lines too"),
        (("--generate",), "--generate does not go with a sharded --out DIR/"),
    ],
)
def test_options_that_need_a_single_file_are_refused(tmp_path, extra, message):
    result, _ = sharded(tmp_path, "reject", MATH, tmp_path / "parts", *ARGS, *extra)
    assert result.exit_code == 2 and message in result.stderr


def test_a_job_interrupted_in_the_group_step_resumes_with_the_buckets_written(tmp_path, ray_local):
    from r1verify.backends.sharded import PartSpec, ShardedJob
    from r1verify.recipe import Recipe

    src = shuffled(tmp_path)
    reference = tmp_path / "reference"
    assert sharded(tmp_path, "reject", src, reference, *ARGS)[0].exit_code == 0
    folder = tmp_path / "parts"
    job = ShardedJob(Recipe.load("rejection"), str(src), str(folder), PartSpec("reject", "original", "best", 1, "id"),
                     actors=2)
    job.verify_shards(ray_local, lambda outcome: None)

    def interrupt(outcome):
        raise KeyboardInterrupt  # Ctrl-C once the first bucket's parts are recorded

    with pytest.raises(KeyboardInterrupt):
        job.group_buckets(ray_local, interrupt)
    job.remove_stray()
    (record,) = (folder / "_r1verify_done").glob("groups-*.json")
    written = record.stat().st_mtime_ns
    again, summary = sharded(tmp_path, "reject", src, folder, *ARGS)
    assert again.exit_code == 0, again.output
    assert json.loads(summary.read_text())["resumed_shards"] == 8
    assert record.stat().st_mtime_ns == written  # that bucket was kept, the others grouped now
    assert len(list((folder / "_r1verify_done").glob("groups-*.json"))) == 4
    assert [by_json(x) for x in kept_and_rates(folder)] == [by_json(x) for x in kept_and_rates(reference)]


def test_a_lost_shard_record_after_the_groups_were_written_redoes_the_job(tmp_path):
    """The group files are deleted once every part is written: a shard to verify again means every shard (and
    every bucket, forgetting the old bucket records) is done again, not a group step over missing files."""
    src = shuffled(tmp_path)
    folder = tmp_path / "parts"
    assert sharded(tmp_path, "reject", src, folder, *ARGS)[0].exit_code == 0
    whole = [by_json(x) for x in kept_and_rates(folder)]
    (folder / "_r1verify_done" / "00003.json").unlink()
    again, summary = sharded(tmp_path, "reject", src, folder, *ARGS)
    assert again.exit_code == 0, again.output
    assert json.loads(summary.read_text())["resumed_shards"] == 0
    assert [by_json(x) for x in kept_and_rates(folder)] == whole
    assert len(list((folder / "_r1verify_done").glob("groups-*.json"))) == 4
