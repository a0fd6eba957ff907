"""The Ray Data backend: verify a dataset's shards on a Ray cluster, one long-lived Engine per actor.

The input file is cut into shards (:mod:`r1verify.backends.shards`); ``map_batches`` hands them to a fixed pool of
actors (``ray.data.ActorPoolStrategy``), each of which built one :class:`~r1verify.Engine` for the recipe when it
started and verifies its shard's rows with the local backend's own :class:`~r1verify.pipeline.VerifyStream`.
Results come back to the driver in input order (Ray Data's ``preserve_order``) as the same
:class:`~r1verify.pipeline.Verified` objects the local backend yields, so the commands write, filter, group and
summarise them exactly as they do locally. A bad row comes back in its place and stops the run there, or is
counted with ``skip_invalid``, as locally.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine
from ..io import ColumnMap, InputError, InvalidRow, Row
from ..pipeline import Verified, VerifyStream
from ..recipe import Recipe
from ..quietlog import quiet_logger
from . import BackendError, require_ray
from .shards import Shard, count_newlines, plan_shards, read_rows, with_line_offsets

SHARDS_PER_ACTOR = 4
"""Shards planned per actor, so a slow shard does not leave the other actors idle at the end."""
RAY_DATA_READER = "iter_threaded"
"""The name Ray Data gives the thread that pulls an execution's blocks."""


@dataclass(frozen=True)
class BadRow:
    """An :class:`InvalidRow` in a form that pickles (the exception's own pickling loses its fields)."""

    where: str
    field: str | None
    message: str

    def error(self) -> InvalidRow:
        return InvalidRow(self.where, self.field, self.message)


class ShardVerifier:
    """The Ray Data actor: builds one Engine at start, then verifies whole shards, batch by batch.

    Each call gets shard descriptors (a pyarrow batch with a ``shard`` column of pickled :class:`Shard`) and
    yields pyarrow tables with one ``item`` column: a pickled :class:`Verified` or :class:`BadRow` per row.
    """

    def __init__(self, recipe: Recipe, columns: ColumnMap, workers: int, batch_size: int) -> None:
        self.batch_size = batch_size
        self.engine = Engine(recipe, workers=workers)
        self.stream = VerifyStream(self.engine, columns, batch_size)

    def __call__(self, batch: Any) -> Iterator[Any]:
        import pyarrow as pa

        out: list[bytes] = []
        for blob in batch.column("shard").to_pylist():
            for item in self._verify(pickle.loads(blob)):
                out.append(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
                if len(out) >= self.batch_size:
                    yield pa.table({"item": pa.array(out, type=pa.large_binary())})
                    out = []
        if out:
            yield pa.table({"item": pa.array(out, type=pa.large_binary())})

    def _verify(self, shard: Shard) -> Iterator[Verified | BadRow]:
        rows = read_rows(shard)
        while True:  # VerifyStream stops at a bad row after handing out the rows before it; go on after it
            try:
                yield from self.stream.run(rows)
                return
            except InvalidRow as exc:
                yield BadRow(exc.where, exc.field, exc.message)


@dataclass
class RayStream:
    """:class:`~r1verify.pipeline.VerifyStream`'s contract, run on a Ray cluster.

    ``address``: ``None`` starts a local Ray instance (unless one is already initialised in this process),
    ``"auto"`` joins the cluster this machine belongs to, ``"ray://host:10001"`` a remote one. ``actors``
    (default: the cluster's CPUs // ``workers``) actors each hold one Engine with ``workers`` worker processes
    and reserve that many CPUs.
    """

    recipe: Recipe
    input: str
    columns: ColumnMap = field(default_factory=ColumnMap)
    batch_size: int = 512
    skip_invalid: bool = False
    limit: int | None = None
    on_batch: Callable[[int], None] | None = None
    workers: int = 1
    actors: int | None = None
    address: str | None = None
    shard_bytes: int = 4 << 20
    skipped: list[str] = field(default_factory=list)

    def run(self, rows: Iterable[Row] | None = None) -> Iterator[Verified]:
        """Verified rows in input order. ``rows`` is ignored: the cluster reads :attr:`input` itself."""
        ray = require_ray()
        started = connect(ray, self.address)
        try:
            with quiet_ray_data():
                yield from self._results(ray)
        finally:
            if started:
                ray.shutdown()

    def _results(self, ray: Any) -> Iterator[Verified]:
        try:
            dataset = self._dataset(ray)
        except InputError as exc:
            raise BackendError(str(exc)) from None
        batches = iter(read_batches(dataset))
        try:
            yield from self._take(batches)
        finally:  # stopping early (a bad row, --limit): end the execution before Ray may be shut down
            close_execution(batches)

    def _take(self, batches: Iterator[Any]) -> Iterator[Verified]:
        taken = 0
        while True:
            try:
                batch = next(batches, None)
            except Exception as exc:  # noqa: BLE001 - Ray wraps a task's failure in several exception types
                raise BackendError(f"the Ray backend failed: {first_line(exc)}") from exc
            if batch is None:
                return
            items: list[Verified] = []
            bad: InvalidRow | None = None
            for blob in batch.column("item").to_pylist():
                if self.limit is not None and taken >= self.limit:
                    break
                item = pickle.loads(blob)
                if isinstance(item, BadRow):
                    if self.skip_invalid:
                        self.skipped.append(str(item.error()))
                        continue
                    bad = item.error()
                    break
                taken += 1
                items.append(item)
            if self.on_batch is not None and items:
                self.on_batch(len(items))
            yield from items
            if bad is not None:
                raise bad
            if self.limit is not None and taken >= self.limit:
                return

    def _dataset(self, ray: Any) -> Any:
        actors = actor_count(ray, self.workers, self.actors)
        shards = cluster_shards(ray, self.input, self.shard_bytes, actors)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        items = [{"shard": pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL)} for shard in shards]
        return ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ShardVerifier,
            batch_size=1,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=self.workers,
            fn_constructor_kwargs={
                "recipe": self.recipe,
                "columns": self.columns,
                "workers": self.workers,
                "batch_size": self.batch_size,
            },
        )


def actor_count(ray: Any, workers: int, actors: int | None) -> int:
    """``actors`` (default: the cluster's CPUs // ``workers``), checked against the cluster's CPUs: an actor pool
    that cannot be placed would wait for ever."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if workers > cpus:
        raise BackendError(
            f"--workers {workers} per actor needs {workers} CPUs but the Ray cluster has {cpus}; "
            f"pass --workers {max(1, cpus)} or fewer"
        )
    actors = actors or max(1, cpus // workers)
    if actors * workers > cpus:
        raise BackendError(
            f"--actors {actors} x --workers {workers} needs {actors * workers} CPUs but the Ray "
            f"cluster has {cpus}; lower --actors or --workers"
        )
    return actors


def cluster_shards(ray: Any, path: str, shard_bytes: int, actors: int) -> list[Shard]:
    """The shards of ``path`` for ``actors`` actors, JSONL shards with their line offsets (counted on the
    cluster when there are several)."""
    shards = plan_shards(path, shard_bytes=shard_bytes, min_shards=actors * SHARDS_PER_ACTOR)
    if shards[0].kind == "jsonl":
        if len(shards) > 1:
            counter = ray.remote(num_cpus=1)(count_newlines)
            newlines = ray.get([counter.remote(shard) for shard in shards])
        else:
            newlines = [count_newlines(shards[0])]
        shards = with_line_offsets(shards, newlines)
    return shards


def quiet_ray_data() -> contextlib.AbstractContextManager[None]:
    """Ray Data logs every execution at INFO; the commands' summary says what matters."""
    return quiet_logger("ray.data")


def read_batches(dataset: Any) -> Iterator[Any]:
    """The dataset's blocks as pyarrow tables, in the execution's order, read by one Ray Data thread.

    ``prefetch_batches=0``: with prefetching, Ray Data formats blocks in a second, nested reader thread that an
    early stop (a bad row, ``--limit``) leaves blocked inside ``ray.get``; Ray shut down under it ends the whole
    process with exit code 1 ("The core worker has already been shutdown"). The actors run ahead either way.
    """
    return dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0)


def close_execution(iterator: Any, grace: float = 30.0) -> None:
    """End a Ray Data execution a caller stopped reading early, and wait (up to ``grace`` seconds) for its reader
    thread to finish the block it was fetching: Ray may be shut down next, and a thread still inside Ray then
    takes the process down with it."""
    close = getattr(iterator, "close", None)
    if close is not None:
        close()
    deadline = time.monotonic() + grace
    for thread in threading.enumerate():
        if thread.name == RAY_DATA_READER and thread is not threading.current_thread():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def connect(ray: Any, address: str | None) -> bool:
    """Initialise Ray unless this process already did; True when this call started it (and should stop it).

    A local instance listens on 127.0.0.1 only and starts no dashboard.
    """
    if ray.is_initialized():
        return False
    check_reachable(address)
    os.environ.setdefault("RAY_DISABLE_IMPORT_WARNING", "1")
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    if address is None and not os.environ.get("RAY_ADDRESS"):
        options["_node_ip_address"] = "127.0.0.1"
    try:
        ray.init(address=address, **options)
    except Exception as exc:  # noqa: BLE001 - ConnectionError, ValueError, RuntimeError depending on the address
        where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
        raise BackendError(
            f"cannot start or join {where}: {first_line(exc)}; start one with `ray start --head`, pass "
            f"--address auto to join it, or leave --address out to start a local instance"
        ) from None
    return True


def check_reachable(address: str | None, timeout: float = 5.0) -> None:
    """Fail fast when nothing listens at a ``host:port`` (or ``ray://host:port``) address: Ray itself retries a
    dead address for minutes before it gives up."""
    if not address or address == "auto":
        return
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        return  # not host:port: let Ray say what is wrong with it
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise BackendError(
            f"cannot start or join the Ray cluster at {address!r}: nothing answers there ({exc.strerror or exc}); "
            "check --address (`ray start --head` prints it), pass --address auto on a node of the cluster, or "
            "leave it out to start a local instance"
        ) from None


def first_line(exc: BaseException) -> str:
    """The line of a (Ray-wrapped) exception's message that says what failed."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[-1] if "Traceback" in text else text.splitlines()[0]
