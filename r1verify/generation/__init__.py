"""Sampling many completions per prompt (R1 stage 3) from an OpenAI-compatible endpoint or a local model.

Example::

    from r1verify.generation import EndpointGenerator, GenerationStore, SamplingParams, generate, prompt_items
    from r1verify.io import open_rows

    rows, _ = open_rows("prompts.jsonl")
    backend = EndpointGenerator("http://127.0.0.1:8000/v1", "my-model", SamplingParams(temperature=0.6))
    with GenerationStore("gens.jsonl") as store:      # resumes: prompts already complete are skipped
        stats = generate(prompt_items(rows), store, backend, n=8)

See docs/generate.md.
"""

from .client import ChatClient, ChatReply, Choice, EndpointError, SamplingParams, chat_url
from .local import LocalGenerator
from .prompts import PromptItem, generation_record, prompt_items
from .runner import EndpointGenerator, GenerationStats, generate
from .store import GenerationStore

__all__ = [
    "ChatClient",
    "ChatReply",
    "Choice",
    "EndpointError",
    "EndpointGenerator",
    "GenerationStats",
    "GenerationStore",
    "LocalGenerator",
    "PromptItem",
    "SamplingParams",
    "chat_url",
    "generate",
    "generation_record",
    "prompt_items",
]
