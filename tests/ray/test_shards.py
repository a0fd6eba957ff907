"""Input shards (no Ray needed): however a file is cut, the shards' rows are exactly the local reader's rows,
with the same ``file:line`` / ``file:row N`` places and the same errors for broken lines."""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from r1verify.backends.shards import count_newlines, plan_shards, read_rows, with_line_offsets
from r1verify.io import InputError, open_rows


def local_rows(path):
    return [(r.where, r.data, None if r.error is None else str(r.error)) for r in open_rows(path)[0]]


def shard_rows(path, **plan):
    shards = plan_shards(str(path), **plan)
    if shards[0].kind == "jsonl":
        shards = with_line_offsets(shards, [count_newlines(s) for s in shards])
    return [(r.where, r.data, None if r.error is None else str(r.error)) for s in shards for r in read_rows(s)]


def messy_jsonl(rng: random.Random) -> bytes:
    lines = []
    for i in range(rng.randint(0, 14)):
        pick = rng.random()
        if pick < 0.1:
            lines.append("")  # blank lines are skipped but still counted
        elif pick < 0.2:
            lines.append('{"completion": "cut off')  # invalid JSON
        elif pick < 0.25:
            lines.append("[1, 2]")  # not an object
        elif pick < 0.3:
            lines.append("   \t")
        else:
            text = rng.choice(["x" * rng.randint(0, 40), "ünïcødé 数学 \\n", '"quoted"'])
            lines.append(json.dumps({"completion": text, "i": i}, ensure_ascii=rng.random() < 0.5))
    raw = ("\r\n" if rng.random() < 0.2 else "\n").join(lines).encode()
    if rng.random() < 0.5:
        raw += b"\n"
    if rng.random() < 0.15:
        raw += b'\xff\xfe{"completion": "bad bytes"}\n'  # not UTF-8
    return raw


@pytest.mark.parametrize("seed", range(40))
def test_jsonl_shards_give_the_local_rows_places_and_errors_for_any_cut(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "gens.jsonl"
    path.write_bytes(messy_jsonl(rng))
    expected = local_rows(path)
    for shard_bytes in (1, 2, 3, 7, 64, 1 << 20):  # 1 byte: most shards hold no line start at all
        assert shard_rows(path, shard_bytes=shard_bytes) == expected, shard_bytes


def test_a_line_longer_than_many_shards_belongs_to_the_shard_where_it_starts(tmp_path):
    path = tmp_path / "long.jsonl"
    rows = [{"completion": "a"}, {"completion": "b" * 5000}, {"completion": "c"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    shards = plan_shards(str(path), shard_bytes=100)
    assert len(shards) > 40
    assert [r[1] for r in shard_rows(path, shard_bytes=100)] == rows
    assert [r[0] for r in shard_rows(path, shard_bytes=100)] == [f"{path}:1", f"{path}:2", f"{path}:3"]


def test_an_empty_file_has_no_rows(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert shard_rows(path, shard_bytes=1) == []


def parquet_file(tmp_path, n, row_group_size):
    rows = [{"completion": f"<think>{i}</think> {i}", "answer": str(i), "meta": {"k": [i, None]}} for i in range(n)]
    path = tmp_path / f"gens-{row_group_size}.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


@pytest.mark.parametrize(
    ("row_group_size", "min_shards", "n_shards"),
    [(10, 4, 6), (1000, 4, 4), (7, 1, 1), (1000, 200, 53)],  # whole groups when enough, else slices of one
)
def test_parquet_shards_give_the_local_rows_with_their_row_numbers(tmp_path, row_group_size, min_shards, n_shards):
    path = parquet_file(tmp_path, 53, row_group_size)
    assert len(plan_shards(str(path), min_shards=min_shards)) == n_shards
    assert shard_rows(path, min_shards=min_shards) == local_rows(path)


def test_inputs_the_ray_backend_cannot_read_are_refused_with_the_fix(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        plan_shards(str(tmp_path / "missing.jsonl"))
    (tmp_path / "rows.json").write_text("[]")
    with pytest.raises(InputError, match="use --backend local"):
        plan_shards(str(tmp_path / "rows.json"))
    with pytest.raises(InputError, match="cannot read stdin"):
        plan_shards("-")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="cannot read Parquet"):
        plan_shards(str(tmp_path / "broken.parquet"))
    with pytest.raises(InputError, match="pyarrow cannot open this URI"):
        plan_shards("nosuchscheme://bucket/rows.jsonl")


def test_file_uris_read_like_local_paths(tmp_path):
    path = tmp_path / "gens.jsonl"
    path.write_text('{"completion": "a"}\n{"completion": 3}\n')
    rows = shard_rows(f"file://{path}", shard_bytes=5)
    assert [r[1] for r in rows] == [{"completion": "a"}, {"completion": 3}]
    assert rows[1][0] == f"file://{path}:2"
