"""``reject`` with sharded output: the shuffle by prompt and the per-group step, both in the cluster.

Rejection sampling picks the best generations of each prompt, and a prompt's generations may lie in any shard.
So each shard's actor, after verifying, cuts its rows by group key into the job's buckets (``bucket_of``: a hash
of the key), one file per (shard, bucket). Then one task per bucket reads that bucket's files of every shard in
shard order (so in input order), groups the rows on disk (:func:`~r1verify.rejection.sorted_by_group`: groups in
order of first appearance, rows in input order inside a group), keeps the best of each group like the
single-file ``reject`` and writes ``part-BBBBB.jsonl`` (kept generations) and ``part-BBBBB.per-prompt.jsonl``.

Every group lies whole in one bucket, so the parts together keep exactly the generations a single-file run keeps;
the order differs (bucket by bucket instead of prompt by prompt).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..pipeline import Verified
from ..rejection import RejectionStats, group_label, select, sorted_by_group
from ..sft import sft_record
from .parts import PartWriter, node_id
from .shards import open_filesystem

GROUPS_DIR = "_r1verify_groups"
"""The verified rows of each shard cut by group key into the job's buckets; deleted once every bucket's parts
are written."""


@dataclass
class GroupOutcome:
    """What one bucket's task sends back (plain JSON)."""

    index: int
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    """:meth:`RejectionStats.to_state` of the bucket's groups."""
    node: str = ""
    """The Ray node whose task wrote the bucket's parts."""


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of a group key: stable across processes and runs (not Python's salted ``hash``)."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


def group_file(shard: int, bucket: int) -> str:
    """Where shard ``shard`` leaves its rows whose group key falls in ``bucket``."""
    return f"{GROUPS_DIR}/part-{shard:05d}.g{bucket:05d}.pkl"


def group_step(out_dir: str, bucket: int, shards: int, keep: str, k: int, fmt: str) -> GroupOutcome:
    """Group one bucket's rows by prompt, keep the best of each group, write the bucket's parts."""
    fs, folder = open_filesystem(out_dir)
    stem = f"part-{bucket:05d}"
    kept_part = PartWriter(fs, folder, f"{stem}.jsonl")
    rates_part = PartWriter(fs, folder, f"{stem}.per-prompt.jsonl")
    stats = RejectionStats()
    grouped = sorted_by_group(_bucket_rows(fs, folder, bucket, shards), lambda pair: pair[0])
    for key, pairs in itertools.groupby(grouped, key=lambda pair: pair[0]):
        group: list[Verified] = [item for _, item in pairs]
        kept = select(group, keep, k)  # type: ignore[arg-type]
        for item in kept:
            kept_part.write(sft_record(item.row, item.sample, fmt))  # type: ignore[arg-type]
        rates_part.write({"group": group_label(key)[:200], **stats.add(group, kept)})
    files = {part.name: part.finish() for part in (kept_part, rates_part)}
    return GroupOutcome(bucket, files, stats.to_state(), node_id())


def _bucket_rows(fs: Any, folder: str, bucket: int, shards: int) -> Iterator[tuple[str, Verified]]:
    """``(group key, verified row)`` of one bucket, shard after shard: in input order."""
    for shard in range(shards):
        with fs.open_input_stream(f"{folder}/{group_file(shard, bucket)}") as fh:
            raw = fh.read()
        data = io.BytesIO(raw)
        while data.tell() < len(raw):
            yield pickle.load(data)
