"""Recover the model's response from what OpenRLHF sends: the chat-templated prompt plus the response,
decoded *with* special tokens, where the prompt may have been truncated from the left."""

from __future__ import annotations

from collections.abc import Sequence

END_TOKENS: tuple[str, ...] = (
    "<|im_end|>",  # ChatML (Qwen, many others)
    "<|endoftext|>",  # Qwen/GPT padding and end of text
    "<|eot_id|>",  # Llama 3
    "<|eom_id|>",
    "<|end_of_text|>",
    "<｜end▁of▁sentence｜>",  # DeepSeek (full-width bars)
    "<|end▁of▁sentence|>",
    "</s>",  # Llama 2, Mistral
    "<|end|>",  # Phi-3
    "<end_of_turn>",  # Gemma
    "<eos>",
    "<|return|>",  # gpt-oss
)
"""Special tokens that end a response: the response is cut at the first one."""

ASSISTANT_HEADERS: tuple[tuple[str, str], ...] = (
    ("<|im_start|>assistant", "\n"),
    ("<|start_header_id|>assistant<|end_header_id|>", "\n\n"),
    ("<｜Assistant｜>", ""),
    ("<|Assistant|>", ""),
    ("<|assistant|>", "\n"),
    ("<start_of_turn>model", "\n"),
    ("<|start|>assistant", ""),
    ("[/INST]", ""),
)
"""(header, the newline its template puts after it): where an assistant turn starts."""

_PROBE = 64  # characters of the query used to find where a left-truncated prompt starts


def recover_response(query: str, prompt: str | None, end_tokens: Sequence[str] = ()) -> str:
    """The response inside ``query`` (prompt + response as OpenRLHF decodes it).

    1. ``query`` starts with ``prompt``: the rest is the response.
    2. The prompt was truncated from the left: the query starts with a suffix of the prompt; the rest is the
       response.
    3. Otherwise the text after the last assistant header (ChatML, Llama 3, DeepSeek, Phi, Gemma, Mistral).
    4. Otherwise the whole query.

    The response is exactly what the model generated, cut at the first end token (``END_TOKENS`` plus
    ``end_tokens``). Text the chat template put into the prompt (DeepSeek-R1's ``<think>\\n``) stays in the
    prompt, which is passed on with the sample: verifiers look there for a prefilled reasoning tag.
    """
    response = _after_prompt(query, prompt) if prompt else None
    if response is None:
        response = _after_last_header(query)
    return cut_at_end_token(response, end_tokens)


def cut_at_end_token(text: str, end_tokens: Sequence[str] = ()) -> str:
    """``text`` up to the first end-of-turn special token."""
    cut = len(text)
    for token in (*END_TOKENS, *end_tokens):
        if token:
            at = text.find(token, 0, cut)
            if at != -1:
                cut = at
    return text[:cut]


def _after_prompt(query: str, prompt: str) -> str | None:
    if query.startswith(prompt):
        return query[len(prompt) :]
    # Left truncation cuts whole tokens, so the decoded query may start with a broken character.
    head = query.lstrip("\ufffd")
    skipped = len(query) - len(head)
    probe = head[:_PROBE]
    if not probe:
        return None
    at = prompt.find(probe)
    while at != -1:
        tail = prompt[at:]
        if head.startswith(tail):
            return query[skipped + len(tail) :]
        at = prompt.find(probe, at + 1)
    return None


def _header_end(text: str) -> int | None:
    """Index just after the last assistant header in ``text`` (and its conventional newline), or None."""
    best: int | None = None
    best_start = -1
    for header, newline in ASSISTANT_HEADERS:
        start = text.rfind(header)
        if start > best_start:
            end = start + len(header)
            if newline and text.startswith(newline, end):
                end += len(newline)
            best, best_start = end, start
    return best


def _after_last_header(query: str) -> str:
    end = _header_end(query)
    return query if end is None else query[end:]
