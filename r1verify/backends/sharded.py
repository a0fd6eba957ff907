"""Sharded output written by the cluster: one part per input shard, a manifest, and resume.

With ``--backend ray --out DIR/`` the driver never sees a row. Each actor verifies a whole input shard and writes
its part itself (``part-00012.jsonl``; ``filter`` writes ``part-00012.kept.jsonl`` and
``part-00012.rejected.jsonl``; ``reject`` cuts its rows by prompt into buckets, grouped afterwards by
:mod:`r1verify.backends.grouped`) to a temporary name, renamed when the shard is done, and sends back only the
shard's summary: row and status counts, the bytes and xxh3 digest of each file, the rows it skipped or the bad row
it stopped at. The driver keeps the job and its shard plan in ``DIR/_r1verify_manifest.json``, records each finished
shard in ``DIR/_r1verify_done/NNNNN.json`` (each written atomically, so recording costs the same at any job size),
merges the summaries and prints the usual table.

Parts are numbered in input order, so concatenating them by name gives what a single-file run writes. A job
started again with the same input, recipe and options resumes: shards whose files match the manifest (size and
digest, not mere existence) are kept, torn or missing ones are verified again, and the result is the same as an
uninterrupted run's — no row lost, none twice. Ray Data recreates an actor that died (its node went away) and
retries its shard (``max_restarts=-1``, ``max_task_retries=-1``, set explicitly below); a retried shard rewrites
its part from scratch.

``DIR`` is a local folder (shared by every node, e.g. a network mount) or a pyarrow filesystem URI.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import xxhash

from ..engine import Engine
from ..guard import RunGuard, RunStopped
from ..io import ColumnMap, InputError, InvalidRow, output_record
from ..pipeline import VerifyStream
from ..recipe import Recipe
from ..rejection import RejectionStats, group_key_function
from ..sft import sft_record
from ..summary import Summary
from . import BackendError
from .ray_stream import actor_count, close_execution, cluster_shards, quiet_ray_data, read_batches
from .grouped import GROUPS_DIR, GroupOutcome, bucket_of, group_file, group_step
from .parts import TMP_SUFFIX, PartWriter, node_id
from .shards import Shard, open_filesystem, read_rows

MANIFEST = "_r1verify_manifest.json"
"""The job (input, recipe, options), its shard plan, and ``complete`` once every shard is done."""
DONE_DIR = "_r1verify_done"
"""One small record per finished shard (``00012.json``: its files' sizes and digests, its summary), written when the
shard is done, so recording a shard costs the same whatever the job's size, on any filesystem."""
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class PartSpec:
    """What each part holds: ``verify`` results, ``filter``'s kept (in ``fmt``) and rejected rows, or ``reject``'s
    kept generations per prompt group (``keep``/``k`` of each group whose key ``group_by`` names)."""

    command: Literal["verify", "filter", "reject"]
    fmt: str = "messages"
    keep: str = "best"
    k: int = 1
    group_by: str | None = None

    def files(self, index: int, buckets: int = 0) -> dict[str, str]:
        """A shard's files: its part(s), or for ``reject`` its rows cut into ``buckets`` group files."""
        stem = f"part-{index:05d}"
        if self.command == "verify":
            return {"out": f"{stem}.jsonl"}
        if self.command == "reject":
            return {f"g{b}": group_file(index, b) for b in range(buckets)}
        return {"kept": f"{stem}.kept.jsonl", "rejected": f"{stem}.rejected.jsonl"}


@dataclass
class ShardOutcome:
    """What an actor sends back for one shard (plain JSON)."""

    index: int
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    """File name -> ``{"bytes", "xxh3", "rows"}``."""
    summary: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    bad: str | None = None
    """The bad row the shard stopped at (without ``skip_invalid``)."""
    stopped: str | None = None
    """Why the guard stopped the shard (a setup failure every sample shares, or past ``max_error_rate``)."""
    kept: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    node: str = ""
    """The Ray node that wrote the shard (its verifiers, sandbox pool included, ran there)."""


class ShardWriter:
    """The Ray Data actor: one Engine for its lifetime; each call verifies whole shards and writes their parts."""

    def __init__(
        self,
        recipe: Recipe,
        columns: ColumnMap,
        workers: int,
        batch_size: int,
        skip_invalid: bool,
        out_dir: str,
        spec: PartSpec,
        max_error_rate: float | None = None,
        buckets: int = 0,
    ) -> None:
        self.recipe, self.columns, self.batch_size, self.skip_invalid = recipe, columns, batch_size, skip_invalid
        self.spec, self.max_error_rate, self.buckets = spec, max_error_rate, buckets
        self.fs, self.folder = open_filesystem(out_dir)
        self.engine = Engine(recipe, workers=workers)
        self.group_key = group_key_function(spec.group_by, columns.prompt)

    def __call__(self, batch: Any) -> Iterator[Any]:
        import pyarrow as pa

        for index, blob in zip(batch.column("index").to_pylist(), batch.column("shard").to_pylist(), strict=True):
            outcome = self.write_shard(index, pickle.loads(blob))
            yield pa.table({"outcome": [json.dumps(asdict(outcome))]})

    def write_shard(self, index: int, shard: Shard) -> ShardOutcome:
        outcome = ShardOutcome(index, node=node_id())
        files = self.spec.files(index, self.buckets)
        parts = {key: PartWriter(self.fs, self.folder, name) for key, name in files.items()}
        summary = Summary()
        stream = VerifyStream(self.engine, self.columns, self.batch_size, self.skip_invalid)
        reasons: Counter[str] = Counter()
        guard = RunGuard(self.max_error_rate)
        try:
            for item in stream.run(read_rows(shard)):
                if self.spec.command == "verify":
                    parts["out"].write(output_record(item.row, item.result))
                elif self.spec.command == "reject":
                    key = self.group_key(item.row)
                    parts[f"g{bucket_of(key, self.buckets)}"].write_bytes(pickle.dumps((key, item), protocol=5))
                elif item.result.passed:
                    parts["kept"].write(sft_record(item.row, item.sample, self.spec.fmt))  # type: ignore[arg-type]
                else:
                    failures = self.recipe.failures(item.result.verdicts, item.result.reward)
                    reasons.update(f["rule"] for f in failures)
                    parts["rejected"].write({**item.row.data, "reward": item.result.reward, "rejected_by": failures})
                summary.add([item.result])
                guard.add([item.result])
            guard.finish()
        except InvalidRow as exc:
            outcome.bad = str(exc)
        except RunStopped as exc:
            outcome.stopped = str(exc)
        summary.skipped_rows = len(stream.skipped)
        outcome.skipped = stream.skipped[:5]
        outcome.summary = summary.to_state()
        outcome.kept = parts["kept"].rows if "kept" in parts else 0
        outcome.reasons = dict(reasons)
        outcome.files = {part.name: part.finish() for part in parts.values()}
        return outcome


FAULT_TOLERANT = {"max_restarts": -1, "max_task_retries": -1, "scheduling_strategy": "SPREAD"}
"""The actors' Ray options: an actor whose node died is recreated elsewhere and its shard verified again from the
start (Ray Data's defaults too, stated here so they do not change under us); actors spread over the nodes, each
using its own node's sandbox pool."""


@dataclass
class ShardedJob:
    """One sharded run: the plan, the manifest, what is done. :meth:`verify_shards` verifies the shards still to
    do, :meth:`group_buckets` groups ``reject``'s rows by prompt, :meth:`finish` marks the job complete."""

    recipe: Recipe
    input: str
    out_dir: str
    spec: PartSpec
    columns: ColumnMap = field(default_factory=ColumnMap)
    batch_size: int = 512
    skip_invalid: bool = False
    max_error_rate: float | None = None
    workers: int = 1
    actors: int | None = None
    shard_bytes: int = 4 << 20
    done: dict[int, ShardOutcome] = field(default_factory=dict)
    """Shards whose parts are complete (this run's and a resumed run's)."""
    failed: dict[int, ShardOutcome] = field(default_factory=dict)
    """Shards of this run that stopped at a bad row or were stopped by the guard: verified again on a rerun."""
    shards: list[Shard] = field(default_factory=list)
    resumed_shards: set[int] = field(default_factory=set)
    """Shards a previous run of this job had finished (kept, not verified again)."""
    buckets: int = 0
    """``reject`` only: how many buckets the rows are cut into by group key (fixed when the job is planned)."""
    grouped: dict[int, GroupOutcome] = field(default_factory=dict)
    """``reject`` only: buckets whose parts are complete."""

    def __post_init__(self) -> None:
        self.fs, self.folder = open_filesystem(self.out_dir)
        self.started = time.perf_counter()

    # ------------------------------------------------------------------ manifest
    def job_key(self) -> dict[str, Any]:
        """What must be equal for a rerun to resume: the input file, the recipe and the options."""
        try:
            fs, inner = open_filesystem(self.input)
            info = fs.get_file_info(inner)
        except InputError as exc:
            raise BackendError(str(exc)) from None
        recipe = hashlib.sha256(self.recipe.to_toml().encode("utf-8")).hexdigest()
        return {
            "input": self.input,
            "input_bytes": info.size,
            "input_mtime_ns": info.mtime_ns,
            "recipe_sha256": recipe,
            "spec": asdict(self.spec),
            "columns": asdict(self.columns),
            "skip_invalid": self.skip_invalid,
        }

    def load(self, plan: Callable[[], list[Shard]], actors: int = 1) -> None:
        """Read the manifest of an earlier run of this job (keeping its shard plan and finished shards whose files
        still match), or plan the shards and start one."""
        from pyarrow import fs as pafs

        self.fs.create_dir(f"{self.folder}/{DONE_DIR}", recursive=True)
        if self.spec.command == "reject":
            self.fs.create_dir(f"{self.folder}/{GROUPS_DIR}", recursive=True)
        key = self.job_key()
        path = f"{self.folder}/{MANIFEST}"
        if self.fs.get_file_info(path).type == pafs.FileType.NotFound:
            self.shards = plan()
            if self.spec.command == "reject":  # a few buckets per actor: the per-group step runs in parallel too
                self.buckets = max(1, min(len(self.shards), 2 * actors))
            self._save_manifest(key)
            return
        with self.fs.open_input_stream(path) as fh:
            data = json.loads(fh.read())
        if data.get("version") != MANIFEST_VERSION or data.get("job") != key:
            raise BackendError(
                f"{self.out_dir} holds the parts of another job (a different input, recipe or options); "
                "choose another --out folder, or delete this one to start over"
            )
        self.shards = [Shard(**s) for s in data["shards"]]
        self.buckets = data.get("buckets", 0)
        shards: list[ShardOutcome] = []
        group_records: list[str] = []
        for info in self.fs.get_file_info(pafs.FileSelector(f"{self.folder}/{DONE_DIR}")):
            if not info.base_name.endswith(".json"):
                continue
            with self.fs.open_input_stream(info.path) as fh:
                record = json.loads(fh.read())
            if info.base_name.startswith("groups-"):
                group_records.append(info.path)
                group = GroupOutcome(**record)
                if self._intact(group.files):
                    self.grouped[group.index] = group
            else:
                shards.append(ShardOutcome(**record))
        # every bucket grouped: the shards' group files were deleted as no longer needed, the shards are done
        all_grouped = self.buckets > 0 and len(self.grouped) == self.buckets
        self.done = {o.index: o for o in shards if all_grouped or self._intact(o.files)}
        if len(self.done) < len(self.shards):
            # a shard verified again rewrites its group files, so every bucket is grouped again: forget the old
            # bucket records (a later resume must not mix them with the new ones), and trust a shard only if its
            # group files are still there
            self.grouped = {}
            for path in group_records:
                self.fs.delete_file(path)
            if all_grouped:
                self.done = {o.index: o for o in shards if self._intact(o.files)}
        self.resumed_shards = set(self.done)

    def resume(self) -> bool:
        """Read an earlier run's manifest, if there is one, without a cluster; True when that job is complete and
        every file still matches its record: nothing is left to do."""
        from pyarrow import fs as pafs

        if self.fs.get_file_info(f"{self.folder}/{MANIFEST}").type == pafs.FileType.NotFound:
            return False
        self.load(lambda: [])  # the manifest's plan is used, never this one
        return self.complete()

    def _intact(self, files: dict[str, dict[str, Any]]) -> bool:
        for name, meta in files.items():
            path = f"{self.folder}/{name}"
            info = self.fs.get_file_info(path)
            if info.size != meta["bytes"]:
                return False
            digest = xxhash.xxh3_64()
            with self.fs.open_input_stream(path) as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
            if digest.hexdigest() != meta["xxh3"]:
                return False
        return True

    def record(self, outcome: ShardOutcome) -> None:
        if outcome.bad or outcome.stopped:
            self.failed[outcome.index] = outcome
            return
        self.done[outcome.index] = outcome
        self._write(f"{DONE_DIR}/{outcome.index:05d}.json", asdict(outcome))

    def complete(self) -> bool:
        """Every shard done and, for ``reject``, every bucket's parts written."""
        return len(self.done) == len(self.shards) and len(self.grouped) == self.buckets

    def finish(self) -> None:
        """Mark the manifest complete when the job is; ``reject`` then deletes its group files. Idempotent."""
        from pyarrow import fs as pafs

        if not self.complete():
            return
        self._save_manifest(self.job_key())
        groups = f"{self.folder}/{GROUPS_DIR}"
        if self.buckets and self.fs.get_file_info(groups).type != pafs.FileType.NotFound:
            self.fs.delete_dir(groups)

    def _save_manifest(self, key: dict[str, Any]) -> None:
        data = {
            "version": MANIFEST_VERSION,
            "job": key,
            "complete": self.complete(),
            "shards": [asdict(s) for s in self.shards],
            "buckets": self.buckets,
        }
        self._write(MANIFEST, data)

    def _write(self, name: str, data: dict[str, Any]) -> None:
        """Write ``name`` in the output folder atomically (a temporary name beside it, then a move)."""
        folder, _, base = f"{self.folder}/{name}".rpartition("/")
        tmp = f"{folder}/.{base}.{uuid.uuid4().hex}{TMP_SUFFIX}"
        with self.fs.open_output_stream(tmp) as fh:
            fh.write(json.dumps(data, indent=1).encode("utf-8"))
        self.fs.move(tmp, f"{folder}/{base}")

    def remove_stray(self) -> int:
        """Delete temporary files of dead or interrupted writers; returns how many."""
        from pyarrow import fs as pafs

        stray = [
            info.path
            for info in self.fs.get_file_info(pafs.FileSelector(self.folder, recursive=True, allow_not_found=True))
            if info.base_name.startswith(".") and info.base_name.endswith(TMP_SUFFIX)
        ]
        for path in stray:
            self.fs.delete_file(path)
        return len(stray)

    # ------------------------------------------------------------------ running
    def verify_shards(self, ray: Any, on_shard: Callable[[ShardOutcome], None]) -> None:
        """Plan or resume the job, then verify every shard not done yet on the cluster; ``on_shard`` sees each
        outcome as it is recorded."""
        actors = actor_count(ray, self.workers, self.actors)
        if not self.shards:  # not read by :meth:`resume` already
            self.load(lambda: self._plan(ray, actors), actors)
        todo = [i for i in range(len(self.shards)) if i not in self.done]
        if todo:
            self._verify(ray, todo, actors, on_shard)

    def group_buckets(self, ray: Any, on_group: Callable[[GroupOutcome], None]) -> None:
        """``reject``, once every shard is done: one task per bucket still to do (retried from the start if its
        node dies) groups its rows by prompt and writes its parts; ``on_group`` sees each as it is recorded."""
        if not self.buckets or len(self.done) < len(self.shards):
            return
        step = ray.remote(num_cpus=1, max_retries=-1, scheduling_strategy="SPREAD")(group_step)
        spec = self.spec
        pending = {
            step.remote(self.out_dir, b, len(self.shards), spec.keep, spec.k, spec.fmt): b
            for b in range(self.buckets)
            if b not in self.grouped
        }
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    del pending[ref]
                    outcome: GroupOutcome = ray.get(ref)
                    self.grouped[outcome.index] = outcome
                    self._write(f"{DONE_DIR}/groups-{outcome.index:05d}.json", asdict(outcome))
                    on_group(outcome)
        finally:
            for ref in pending:  # a failed or interrupted job: stop the rest before the stray files are removed
                ray.cancel(ref, force=True)

    def _verify(self, ray: Any, todo: list[int], actors: int, on_shard: Callable[[ShardOutcome], None]) -> None:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = False  # parts are named by index: no need to wait in line
        context.enable_progress_bars = False
        items = [{"index": i, "shard": pickle.dumps(self.shards[i], protocol=pickle.HIGHEST_PROTOCOL)} for i in todo]
        with warnings.catch_warnings():  # Ray 2.60 deprecates passing these as keywords; it has no other way yet
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = self._dataset(ray, items, actors, len(todo))
        batches = iter(read_batches(dataset))
        with quiet_ray_data():
            try:
                self._collect(batches, on_shard)
            finally:
                close_execution(batches)

    def _collect(self, batches: Iterator[Any], on_shard: Callable[[ShardOutcome], None]) -> None:
        for batch in batches:
            for text in batch.column("outcome").to_pylist():
                outcome = ShardOutcome(**json.loads(text))
                self.record(outcome)
                on_shard(outcome)
                if outcome.stopped:
                    return  # the rest of the job is cancelled: no shard can be judged until the cause is fixed

    def _dataset(self, ray: Any, items: list[dict[str, Any]], actors: int, todo: int) -> Any:
        return ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ShardWriter,
            batch_size=1,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=min(actors, todo)),
            num_cpus=self.workers,
            fn_constructor_kwargs={
                "recipe": self.recipe,
                "columns": self.columns,
                "workers": self.workers,
                "batch_size": self.batch_size,
                "skip_invalid": self.skip_invalid,
                "out_dir": self.out_dir,
                "spec": self.spec,
                "max_error_rate": self.max_error_rate,
                "buckets": self.buckets,
            },
            **FAULT_TOLERANT,
        )

    def _plan(self, ray: Any, actors: int) -> list[Shard]:
        try:
            return cluster_shards(ray, self.input, self.shard_bytes, actors)
        except InputError as exc:
            raise BackendError(str(exc)) from None

    # ------------------------------------------------------------------ results
    def outcomes(self) -> list[ShardOutcome]:
        """Every shard's outcome this job knows, in input order."""
        return [o for _, o in sorted({**self.done, **self.failed}.items())]

    def rejection(self) -> RejectionStats:
        """``reject``: the per-prompt statistics of every bucket, merged."""
        stats = RejectionStats()
        for _, outcome in sorted(self.grouped.items()):
            stats.merge(outcome.stats)
        return stats

    def summary(self) -> Summary:
        """The merged summary of every shard written (the row counts of the whole output)."""
        summary = Summary()
        summary.started = self.started
        verified_now = 0
        for outcome in self.outcomes():
            summary.merge(outcome.summary)
            if outcome.index not in self.resumed_shards:
                verified_now += outcome.summary["rows"]
        if self.resumed_shards:  # the rate counts the rows verified by this run only
            summary.rate_rows = verified_now
        return summary
