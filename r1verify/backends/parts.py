"""Output files written by the cluster: each under a temporary name beside its place, moved there when complete,
with its size, row count and xxh3 digest (what a resumed job checks)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import xxhash

TMP_SUFFIX = ".r1verify-tmp"


def node_id() -> str:
    """The Ray node this process runs on (recorded with the parts it writes); empty outside Ray."""
    try:
        import ray

        return str(ray.get_runtime_context().get_node_id())
    except Exception:  # noqa: BLE001 - called outside Ray (tests of the writer alone)
        return ""


class PartWriter:
    """One output file of a shard, written to a temporary name and moved into place by :meth:`finish`."""

    def __init__(self, filesystem: Any, folder: str, name: str) -> None:
        self.fs, self.name = filesystem, name
        self.final = f"{folder}/{name}"
        where, _, base = self.final.rpartition("/")
        self.tmp = f"{where}/.{base}.{uuid.uuid4().hex}{TMP_SUFFIX}"
        self.stream = filesystem.open_output_stream(self.tmp)
        self.digest = xxhash.xxh3_64()
        self.bytes = self.rows = 0

    def write(self, record: dict[str, Any]) -> None:
        self.write_bytes((json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        self.stream.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        self.rows += 1

    def finish(self) -> dict[str, Any]:
        self.stream.close()
        self.fs.move(self.tmp, self.final)
        return {"bytes": self.bytes, "xxh3": self.digest.hexdigest(), "rows": self.rows}
