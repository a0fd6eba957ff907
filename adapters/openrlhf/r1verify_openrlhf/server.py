"""The HTTP reward server (``r1verify serve``): OpenRLHF's remote reward protocol on FastAPI + uvicorn.

``POST /get_reward`` with ``{"query": [...], "prompts": [...], "labels": [...]}`` answers
``{"rewards": [...], "scores": [...], "extra_logs": {key: [...]}, "errors": [...]}``, one entry per query (the
shape of OpenRLHF's own ``serve_rm``). ``GET /health`` says whether it serves; ``GET /metrics`` gives counters
in the Prometheus text format. Concurrent requests are micro-batched (see :mod:`r1verify_openrlhf.batcher`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.requests import ClientDisconnect

from r1verify.guard import RunStopped
from r1verify.io import json_error_message
from r1verify.ratelog import RateLimitedLog

from .convert import ConvertOptions, request_items
from .rewards import LOG_PREFIX, openrlhf_payload
from .service import RewardService

REWARD_PATH = "/get_reward"
CLIENT_CLOSED = 499
"""The status counted (nginx's convention) for a request whose client left before it was read."""
log = logging.getLogger("r1verify.serve")
bad_requests = RateLimitedLog(log)
"""4xx answers: one log line per status every few seconds, with the count of those left out."""
stopped = RateLimitedLog(log)
"""503 answers of a stopped run, likewise."""
_SHAPE = 'send {"query": ["<prompt + response>", ...], "prompts": [...], "labels": [...]} (lists of equal length)'


class BadRequest(ValueError):
    """A request the server cannot read; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_request(body: bytes) -> tuple[list[Any], list[Any] | None, list[Any] | None]:
    """(queries, prompts, labels) from a request body, or :class:`BadRequest` naming what is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadRequest(400, f"the body is not valid JSON: {json_error_message(exc)}; {_SHAPE}") from None
    if not isinstance(data, dict):
        raise BadRequest(422, f"expected a JSON object, got {type(data).__name__}; {_SHAPE}")
    if "query" not in data:
        raise BadRequest(422, f"missing 'query'; {_SHAPE}")
    queries = data["query"]
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise BadRequest(422, f"'query' must be a list of strings; {_SHAPE}")
    columns = []
    for name in ("prompts", "labels"):
        values = data.get(name)
        if values is not None and (not isinstance(values, list) or len(values) != len(queries)):
            raise BadRequest(422, f"'{name}' must be a list with one entry per query ({len(queries)}); {_SHAPE}")
        columns.append(values)
    prompts, labels = columns
    if prompts is not None and not all(p is None or isinstance(p, str) for p in prompts):
        raise BadRequest(422, "'prompts' must hold strings (or null)")
    return queries, prompts, labels


@dataclass
class ServerMetrics:
    """HTTP-level counters (the batcher keeps its own)."""

    started: float = field(default_factory=time.time)
    responses: Counter = field(default_factory=Counter)
    samples: int = 0
    sample_errors: int = 0
    sample_timeouts: int = 0
    latency_sum: float = 0.0
    latency_count: int = 0


def render_metrics(service: RewardService, metrics: ServerMetrics) -> str:
    """Prometheus text exposition of the server's and the batcher's counters."""
    stats = service.stats()
    lines = [
        "# HELP r1verify_http_responses_total Reward requests answered, by HTTP status.",
        "# TYPE r1verify_http_responses_total counter",
    ]
    for code, n in sorted(metrics.responses.items()):
        lines.append(f'r1verify_http_responses_total{{code="{code}"}} {n}')
    scalars = [
        ("r1verify_samples_total", "counter", "Samples answered.", metrics.samples),
        ("r1verify_sample_errors_total", "counter", "Samples answered with the error flag.", metrics.sample_errors),
        (
            "r1verify_sample_timeouts_total",
            "counter",
            "Samples answered with the timeout flag.",
            metrics.sample_timeouts,
        ),
        (
            "r1verify_request_seconds_sum",
            "counter",
            "Total seconds spent answering reward requests.",
            round(metrics.latency_sum, 6),
        ),
        ("r1verify_request_seconds_count", "counter", "Reward requests timed.", metrics.latency_count),
        ("r1verify_batches_total", "counter", "Engine batches run.", stats.batches),
        ("r1verify_batched_samples_total", "counter", "Samples sent to the engine in batches.", stats.batched_samples),
        ("r1verify_batch_seconds_total", "counter", "Seconds spent in engine batches.", round(stats.batch_seconds, 6)),
        ("r1verify_failed_batches_total", "counter", "Engine batches that raised.", stats.failed_batches),
        ("r1verify_largest_batch", "gauge", "Largest engine batch so far.", stats.largest_batch),
        ("r1verify_queued_samples", "gauge", "Samples waiting for a batch.", stats.queued),
        ("r1verify_inflight_batches", "gauge", "Engine batches running now.", stats.inflight),
        (
            "r1verify_uptime_seconds",
            "gauge",
            "Seconds since the server started.",
            round(time.time() - metrics.started, 3),
        ),
    ]
    for name, kind, help_text, value in scalars:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value}"]
    return "\n".join(lines) + "\n"


def create_app(
    service: RewardService, *, convert: ConvertOptions | None = None, request_timeout: float = 150.0
) -> FastAPI:
    """The FastAPI app. Its lifespan closes ``service`` on shutdown, after in-flight requests are answered."""
    convert = convert or ConvertOptions()
    metrics = ServerMetrics()
    state: dict[str, Any] = {"serving": True, "stopped": ""}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state["serving"] = False
        await asyncio.to_thread(service.close)

    app = FastAPI(title="r1verify reward server", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = service
    app.state.metrics = metrics

    def answer(status: int, payload: dict[str, Any]) -> JSONResponse:
        metrics.responses[status] += 1
        return JSONResponse(payload, status_code=status)

    @app.post(REWARD_PATH)
    async def get_reward(request: Request) -> JSONResponse:
        started = time.monotonic()
        if not state["serving"]:
            return answer(503, {"error": "the server is shutting down; retry on another replica"})
        try:
            body = await request.body()
        except ClientDisconnect:  # the trainer gave up (its timeout, a restart): nobody reads an answer
            log.info("client %s disconnected before its request was read", _peer(request))
            return answer(CLIENT_CLOSED, {"error": "client disconnected"})
        try:
            queries, prompts, labels = parse_request(body)
        except BadRequest as exc:
            bad_requests.warning(str(exc.status), "answered %s to %s: %s", exc.status, _peer(request), exc.reason)
            return answer(exc.status, {"error": exc.reason})
        try:
            items = request_items(queries, prompts, labels, convert)
            infos = await service.arewards(items, timeout=request_timeout)
            payload = openrlhf_payload(infos, service.log_keys, tensors=False)
        except RunStopped as exc:  # a setup failure every sample shares, or past --max-error-rate
            state["stopped"] = str(exc)  # /health says so too: a load balancer takes this replica out
            stopped.warning("503", "answered 503 to %s: run stopped: %s", _peer(request), exc)
            return answer(503, {"error": f"run stopped: {exc}"})
        except Exception as exc:  # noqa: BLE001 - a bug must cost one request, not the connection or the server
            log.exception("answered 500 to %s", _peer(request))
            return answer(500, {"error": f"internal error ({type(exc).__name__}: {exc}); see the server log"})
        metrics.samples += len(infos)
        metrics.sample_errors += sum(i.logs[LOG_PREFIX + "error"] > 0 for i in infos)
        metrics.sample_timeouts += sum(i.logs[LOG_PREFIX + "timeout"] > 0 for i in infos)
        metrics.latency_sum += time.monotonic() - started
        metrics.latency_count += 1
        return answer(200, payload)

    @app.get("/health")
    async def health() -> JSONResponse:
        healthy = state["serving"] and not state.get("stopped")
        body = {
            "status": "ok" if healthy else "shutting down" if not state["serving"] else "run stopped",
            "recipe": service.recipe.name,
            "verifiers": [spec.name for spec in service.recipe.specs],
            "extra_logs": list(service.log_keys),
        }
        if state.get("stopped"):
            body["reason"] = state["stopped"]
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/metrics")
    async def metrics_endpoint() -> PlainTextResponse:
        return PlainTextResponse(render_metrics(service, metrics), media_type="text/plain; version=0.0.4")

    return app


def _peer(request: Request) -> str:
    client = request.client
    return f"{client.host}:{client.port}" if client else "a client"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one); ``OSError`` when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_server(app: Any, *, log_level: str = "warning", access_log: bool = False, graceful_timeout: float = 160.0):
    """A uvicorn server for ``app``; run it with ``server.run(sockets=[bind(host, port)])``."""
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=int(graceful_timeout),
        backlog=2048,
        limit_concurrency=None,
    )
    return uvicorn.Server(config)
