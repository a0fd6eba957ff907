"""Input shards: a JSONL or Parquet file cut into pieces that cluster workers read on their own.

A JSONL shard is a byte range; it holds the lines whose first byte lies inside it, so every line belongs to
exactly one shard whatever the cut points. A Parquet shard is a range of rows (whole row groups where there are enough). Each shard knows how many
lines (rows) come before it, so its rows carry the same ``file:line`` (``file:row N``) places as the local
reader's, and a bad row is reported in the same words. Rows are parsed by :mod:`r1verify.io` itself.

Paths are local paths (which every node must see, e.g. a shared mount) or anything
``pyarrow.fs.FileSystem.from_uri`` accepts (``s3://``, ``gs://``, ``hdfs://``, ``file://``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ..io import InputError, InvalidRow, Row, _jsonl_rows

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
_TAIL_CHUNK = 1 << 16


@dataclass(frozen=True)
class Shard:
    """One piece of one input file.

    ``name`` is the file as messages name it (what the local reader prints); ``uri`` is what pyarrow opens.
    JSONL: bytes ``[start, end)`` and ``before`` = newlines in ``[0, start)``. Parquet: rows ``[start, end)``
    of the file (0-based) and ``before`` = ``start``.
    """

    name: str
    uri: str
    kind: Literal["jsonl", "parquet"]
    start: int
    end: int
    before: int = 0


def open_filesystem(uri: str) -> tuple[Any, str]:
    """(pyarrow filesystem, path inside it) for a local path or a URI."""
    from pyarrow import fs

    if "://" not in uri:
        return fs.LocalFileSystem(), os.path.abspath(uri)
    try:
        return fs.FileSystem.from_uri(uri)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError, ... for bad URIs
        raise InputError(f"{uri}: pyarrow cannot open this URI ({exc})") from None


def input_kind(path: str) -> Literal["jsonl", "parquet"]:
    suffix = Path(path.split("?", 1)[0]).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise InputError(
        f"{path}: the Ray backend reads .jsonl, .ndjson, .parquet or .pq files (got {suffix or 'no suffix'!r}); "
        f"use --backend local for .json, stdin or saved Hugging Face datasets"
    )


def plan_shards(path: str, *, shard_bytes: int = 8 << 20, min_shards: int = 1) -> list[Shard]:
    """Cut ``path`` into shards of about ``shard_bytes`` (JSONL) or whole row groups (Parquet), at least
    ``min_shards`` where the file allows. JSONL shards still need :func:`with_line_offsets`."""
    if path == "-":
        raise InputError("the Ray backend cannot read stdin; give a file, or use --backend local")
    kind = input_kind(path)
    filesystem, inner = open_filesystem(path)
    from pyarrow import fs

    info = filesystem.get_file_info(inner)
    name = path if "://" in path else str(Path(path))
    if info.type == fs.FileType.NotFound:
        raise InputError(f"{name}: no such file or directory")
    if info.type != fs.FileType.File:
        raise InputError(f"{name}: the Ray backend reads one file, not a directory")
    if kind == "parquet":
        return _parquet_shards(name, path, filesystem, inner, min_shards)
    size = info.size
    count = max(min_shards, -(-size // max(1, shard_bytes)), 1)
    step = max(1, -(-size // count))
    return [Shard(name, path, "jsonl", s, min(s + step, size)) for s in range(0, max(size, 1), step)]


def _parquet_shards(name: str, uri: str, filesystem: Any, inner: str, min_shards: int) -> list[Shard]:
    """Row ranges: whole row groups when there are enough of them, else even slices (a task then reads the
    groups its slice touches, so a one-group file still spreads over ``min_shards`` workers)."""
    import pyarrow.parquet as pq

    try:
        with filesystem.open_input_file(inner) as fh:
            meta = pq.ParquetFile(fh).metadata
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for broken files
        raise InputError(f"{name}: cannot read Parquet ({exc})") from None
    sizes = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    total = sum(sizes)
    if len(sizes) >= max(1, min_shards):
        per = max(1, len(sizes) // max(1, min_shards))
        bounds = [sum(sizes[:g]) for g in range(0, len(sizes), per)] + [total]
    else:
        step = max(1, -(-total // max(1, min_shards)))
        bounds = list(range(0, total, step)) + [total]
    return [Shard(name, uri, "parquet", a, b, a) for a, b in zip(bounds, bounds[1:]) if b > a] or [
        Shard(name, uri, "parquet", 0, 0, 0)
    ]


def count_newlines(shard: Shard) -> int:
    """Newlines in the shard's byte range (run once per shard, anywhere, to number the lines)."""
    filesystem, inner = open_filesystem(shard.uri)
    count = 0
    with filesystem.open_input_file(inner) as fh:
        fh.seek(shard.start)
        left = shard.end - shard.start
        while left > 0:
            block = fh.read(min(left, 1 << 20))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def with_line_offsets(shards: Sequence[Shard], newlines: Sequence[int]) -> list[Shard]:
    """JSONL shards with ``before`` filled in from each shard's newline count, in file order."""
    out, before = [], 0
    for shard, n in zip(shards, newlines, strict=True):
        out.append(replace(shard, before=before))
        before += n
    return out


def read_rows(shard: Shard) -> Iterator[Row]:
    """The shard's rows, as :func:`r1verify.io.open_rows` would give them for the same lines or row groups."""
    if shard.kind == "parquet":
        yield from _parquet_rows(shard)
        return
    filesystem, inner = open_filesystem(shard.uri)
    with filesystem.open_input_file(inner) as fh:
        data, first_line = _owned_lines(fh, shard)
    if not data:
        return
    shift = first_line - 1
    for row in _jsonl_rows(io.BytesIO(data), shard.name):
        yield _renumbered(row, shard.name, shift)


def _owned_lines(fh: Any, shard: Shard) -> tuple[bytes, int]:
    """The bytes of the lines that start in ``[start, end)`` and the line number of the first one."""
    start, end = shard.start, shard.end
    lead = 0
    if start > 0:
        fh.seek(start - 1)
        lead = 1
    data = fh.read(end - start + lead)
    if data and not data.endswith(b"\n"):  # the last line runs past the range: read it to its end
        tail = []
        while chunk := fh.read(_TAIL_CHUNK):
            cut = chunk.find(b"\n")
            if cut >= 0:
                tail.append(chunk[: cut + 1])
                break
            tail.append(chunk)
        data += b"".join(tail)
    line = shard.before + 1
    if lead:
        if data[:1] == b"\n":
            data = data[1:]  # the newline before ``start`` is counted by the previous shard
        else:  # a line that started in the previous shard: skip it, and its newline (counted here)
            cut = data.find(b"\n")
            if cut < 0 or cut + 1 - lead >= end - start:
                return b"", line
            data = data[cut + 1 :]
            line += 1
    return data, line


def _renumbered(row: Row, name: str, shift: int) -> Row:
    if not shift:
        return row
    lineno = int(row.where.rsplit(":", 1)[1]) + shift
    where = f"{name}:{lineno}"
    error = row.error
    if error is not None:
        error = InvalidRow(where, error.field, error.message)
    return Row(where, row.data, error)


def _parquet_rows(shard: Shard) -> Iterator[Row]:
    import pyarrow.parquet as pq

    filesystem, inner = open_filesystem(shard.uri)
    with filesystem.open_input_file(inner) as fh:
        pf = pq.ParquetFile(fh)
        first = 0
        for group in range(pf.metadata.num_row_groups):
            rows = pf.metadata.row_group(group).num_rows
            lo, hi = max(shard.start, first), min(shard.end, first + rows)
            if lo < hi:
                table = pf.read_row_group(group).slice(lo - first, hi - lo)
                for i, data in enumerate(table.to_pylist(), lo + 1):
                    yield Row(f"{shard.name}:row {i}", data)
            first += rows
