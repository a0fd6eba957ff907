"""An async client for OpenAI-compatible chat-completions endpoints (vLLM, SGLang, TGI, OpenAI itself).

Bounded: every attempt has a total deadline (``request_timeout``, covering connect, a slow reply and a reply
that trickles in), failures that may pass (429, 5xx, dropped connections, timeouts, a reply that is not the
protocol's JSON) are retried with exponential backoff (``Retry-After`` honoured up to the cap), and failures that
will not pass (400, 401, 404, ...) raise at once. ``httpx`` is imported when a client is opened.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class EndpointError(RuntimeError):
    """A request failed for good. ``retryable`` tells whether more retries might have helped (5xx, 429,
    timeouts) or not (bad request, unknown model, authentication)."""

    def __init__(self, message: str, *, retryable: bool, attempts: int = 1) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.attempts = attempts


@dataclass(frozen=True)
class SamplingParams:
    """What is passed through to the endpoint (``None`` leaves the server's default)."""

    n: int = 1
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """More fields for the request body, e.g. ``{"top_k": 20}`` (vLLM/SGLang sampling extensions)."""

    def body(self) -> dict[str, Any]:
        fields = {"n": self.n, "temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}
        fields["seed"] = self.seed
        return {k: v for k, v in fields.items() if v is not None} | dict(self.extra)


@dataclass(frozen=True)
class Choice:
    """One generated message. ``text`` puts a separate reasoning field (vLLM/SGLang reasoning parsers return
    ``reasoning_content`` or ``reasoning``) back in front as ``<think>...</think>``, so format verifiers see it."""

    text: str
    finish_reason: str | None


@dataclass(frozen=True)
class ChatReply:
    choices: list[Choice]
    completion_tokens: int
    """From ``usage`` when the server reports it, else a rough count (characters / 4)."""
    retries: int = 0


def chat_url(endpoint: str) -> str:
    """``http://host:8000``, ``.../v1`` or the full ``.../v1/chat/completions`` → the chat-completions URL."""
    url = endpoint.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def parse_reply(data: Any) -> tuple[list[Choice], int | None]:
    """The choices of a chat-completions reply body (already JSON-decoded); ``ValueError`` if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise ValueError("no 'choices' list in the reply")
    choices = []
    for item in sorted(data["choices"], key=lambda c: c.get("index", 0) if isinstance(c, dict) else 0):
        message = item.get("message") if isinstance(item, dict) else None
        if not isinstance(message, dict):
            raise ValueError("a choice without a 'message' object")
        content = message.get("content")
        if content is None:
            content = ""
        if not isinstance(content, str):
            raise ValueError(f"message content is {type(content).__name__}, not a string")
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            content = f"<think>{reasoning}</think>{content}"
        choices.append(Choice(content, item.get("finish_reason")))
    usage = data.get("usage")
    tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
    return choices, tokens if isinstance(tokens, int) else None


class ChatClient:
    """``async with ChatClient(url, model) as client: reply = await client.chat(messages, params)``.

    ``concurrency`` bounds the requests in flight (a semaphore and the connection pool); ``retries`` is how many
    times a retryable failure is tried again (so ``retries + 1`` attempts), waiting ``backoff * 2**k`` seconds
    (with jitter, at most ``max_backoff``) in between.
    """

    def __init__(
        self,
        endpoint: str,
        model: str,
        *,
        concurrency: int = 64,
        request_timeout: float = 600.0,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 20.0,
        api_key: str | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.url = chat_url(endpoint)
        self.model = model
        self.concurrency = concurrency
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.api_key = api_key
        self._client: Any = None
        self._semaphore: asyncio.Semaphore | None = None

    async def __aenter__(self) -> ChatClient:
        try:
            import httpx
        except ImportError:
            raise EndpointError("talking to an endpoint needs httpx: pip install 'r1verify[generate]'",
                                retryable=False) from None

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.request_timeout),
            limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency),
            headers=headers,
            trust_env=False,
        )
        self._semaphore = asyncio.Semaphore(self.concurrency)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._client.aclose()

    async def chat(self, messages: Sequence[dict[str, Any]], params: SamplingParams) -> ChatReply:
        """One chat completion with ``params.n`` choices (fewer if the server gives fewer; the caller asks again).

        Raises :class:`EndpointError` after the last attempt, naming the URL, the status and the server's words.
        """
        assert self._semaphore is not None, "use `async with ChatClient(...)`"
        body = {"model": self.model, "messages": list(messages), **params.body()}
        last: EndpointError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self._delay(attempt, last))
            async with self._semaphore:
                try:
                    choices, tokens = await asyncio.wait_for(self._post(body), self.request_timeout)
                except EndpointError as exc:
                    last = exc
                except (asyncio.TimeoutError, TimeoutError):
                    last = EndpointError(f"no complete reply within {self.request_timeout:g} s", retryable=True)
                else:
                    if tokens is None:
                        tokens = sum(len(c.text) for c in choices) // 4
                    return ChatReply(choices, tokens, retries=attempt)
            if not last.retryable:
                break
        assert last is not None
        tries = attempt + 1
        plural = "s" if tries > 1 else ""
        raise EndpointError(f"{self.url}: {last} (after {tries} attempt{plural})", retryable=last.retryable,
                            attempts=tries)

    def _delay(self, attempt: int, last: EndpointError | None) -> float:
        wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        retry_after = getattr(last, "retry_after", None)
        if retry_after is not None:
            wait = max(wait, min(self.max_backoff, retry_after))
        return wait

    async def _post(self, body: dict[str, Any]) -> tuple[list[Choice], int | None]:
        import httpx

        try:
            response = await self._client.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise EndpointError(f"timed out ({type(exc).__name__})", retryable=True) from None
        except httpx.TransportError as exc:  # refused, reset, dropped mid-reply, DNS
            raise EndpointError(f"connection failed ({type(exc).__name__}: {exc})", retryable=True) from None
        if response.status_code != 200:
            error = EndpointError(
                f"HTTP {response.status_code}: {_snippet(response.text)}{_hint(response.status_code)}",
                retryable=response.status_code in RETRYABLE_STATUS,
            )
            error.retry_after = _retry_after(response.headers.get("retry-after"))  # type: ignore[attr-defined]
            raise error
        try:
            return parse_reply(json.loads(response.content))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            raise EndpointError(
                f"the reply is not a chat completion ({exc}): {_snippet(response.text)}", retryable=True
            ) from None


def _snippet(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return repr(text[:limit] + ("..." if len(text) > limit else ""))


def _hint(status: int) -> str:
    if status == 404:
        return "; check the URL (it should serve /v1/chat/completions) and --model (GET /v1/models lists names)"
    if status in (401, 403):
        return "; set the API key (OPENAI_API_KEY or --api-key-env)"
    if status == 400:
        return "; the server rejected the request: check the sampling options and the prompt length"
    return ""


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
