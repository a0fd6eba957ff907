"""Run OpenRLHF's own rollout code without ray, vLLM or a GPU.

``load_openrlhf()`` executes OpenRLHF 0.11.2's ``utils/agent.py``, ``datasets/prompts_dataset.py``,
``trainer/ppo_utils/experience.py`` and ``trainer/ppo_utils/samples_generator.py`` from the installed package by
file path, with the stubs OpenRLHF's own ``tests/test_agent.py`` uses (a logging stub, MagicMock for ray, vllm and
the vLLM engine module). ``sys.modules`` is patched only while the files execute.

``chatml_tokenizer()`` builds a real byte-level BPE tokenizer offline (the ``tokenizers`` library, trained on a few
lines) with Qwen's special tokens and a ChatML chat template. ``FakeLLM`` stands in for the vLLM engine: it
"generates" scripted responses as token ids, ending with the end-of-turn token, and reports the text without it,
as vLLM does.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

OPENRLHF_ROOT = Path(importlib.util.find_spec("openrlhf").submodule_search_locations[0])  # type: ignore[index, union-attr]

CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}{{ part['text'] }}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

_CORPUS = [
    "What is 1 + 1? Put your final answer in \\boxed{}.",
    "<think>Let me add the numbers: 1 + 1 = 2.</think> The answer is \\boxed{2}.",
    "def add(a, b):\n    return a + b\n\nprint(add(2, 3))",
    "Your answer did not pass: expected 5, got 6. Fix it and give the complete corrected answer.",
    "You are a helpful assistant. Solve the problem step by step.",
]


@contextlib.contextmanager
def patched_modules(stubs: dict[str, Any]) -> Iterator[None]:
    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def exec_file(name: str, relative: str, stubs: dict[str, Any] | None = None) -> ModuleType:
    """Execute ``openrlhf/<relative>`` as module ``name`` (registered only while it runs)."""
    spec = importlib.util.spec_from_file_location(name, OPENRLHF_ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with patched_modules({**(stubs or {}), name: module}):
        spec.loader.exec_module(module)
    return module


@functools.cache
def load_openrlhf() -> SimpleNamespace:
    logging_stub = SimpleNamespace(init_logger=logging.getLogger)
    agent = exec_file("openrlhf.utils.agent", "utils/agent.py", {"openrlhf.utils.logging_utils": logging_stub})
    prompts = exec_file("openrlhf.datasets.prompts_dataset", "datasets/prompts_dataset.py")
    utils = exec_file("openrlhf.utils.utils", "utils/utils.py")
    experience = exec_file(
        "openrlhf.trainer.ppo_utils.experience", "trainer/ppo_utils/experience.py", {"openrlhf.utils.utils": utils}
    )
    samples = exec_file(
        "openrlhf.trainer.ppo_utils.samples_generator",
        "trainer/ppo_utils/samples_generator.py",
        {
            "ray": MagicMock(),
            "vllm": MagicMock(),
            "openrlhf.trainer.ray.vllm_engine": MagicMock(),
            "openrlhf.trainer.ppo_utils.experience": experience,
            "openrlhf.utils.logging_utils": logging_stub,
        },
    )
    return SimpleNamespace(agent=agent, prompts=prompts, experience=experience, samples=samples)


def load_agent_executor(path: Path) -> Any:
    """What OpenRLHF's ``vllm_engine._load_agent_executor`` does with ``--train.agent_func_path``."""
    openrlhf = load_openrlhf()
    with patched_modules({"openrlhf.utils.agent": openrlhf.agent}):
        spec = importlib.util.spec_from_file_location("agent_module", path)
        assert spec is not None and spec.loader is not None
        agent_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(agent_module)
    assert hasattr(agent_module, "AgentExecutor"), "Agent module must contain AgentExecutor class"
    executor_cls = agent_module.AgentExecutor
    assert issubclass(executor_cls, openrlhf.agent.AgentExecutorBase)
    return executor_cls()


@functools.cache
def chatml_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer)
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>", clean_up_tokenization_spaces=False
    )
    hf.chat_template = CHATML_TEMPLATE
    return hf


def chat_prompt(question: str, label: Any, *, system: str | None = None) -> tuple[str, Any]:
    """(prompt, label) for one dataset row, made by OpenRLHF's own ``preprocess_data`` with the chat template."""
    tokenizer = chatml_tokenizer()
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": question}]
    row = {"input": messages, "answer": label}
    return load_openrlhf().prompts.preprocess_data(
        row, input_key="input", label_key="answer", apply_chat_template=tokenizer.apply_chat_template
    )


class FakeLLM:
    """Stands in for OpenRLHF's vLLM engine: each ``generate`` call returns the next scripted response."""

    def __init__(self, *responses: str) -> None:
        self.responses = list(responses)
        self.prompts: list[list[int]] = []
        self.tokenizer = chatml_tokenizer()

    async def generate(self, token_ids: list[int], params: Any, multi_modal_data: Any = None) -> SimpleNamespace:
        text = self.responses[len(self.prompts) % len(self.responses)]
        self.prompts.append(list(token_ids))
        ids = self.tokenizer(text=text, add_special_tokens=False)["input_ids"] + [self.tokenizer.eos_token_id]
        finish = "stop"
        if params.max_tokens is not None and len(ids) > params.max_tokens:
            ids, finish = ids[: params.max_tokens], "length"
        shown = self.tokenizer.decode([i for i in ids if i != self.tokenizer.eos_token_id], skip_special_tokens=False)
        output = SimpleNamespace(token_ids=ids, text=shown, finish_reason=finish, logprobs=None)
        return SimpleNamespace(outputs=[output])


def sampling_params(max_tokens: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(max_tokens=max_tokens, logprobs=None)


def to_experiences(responses: list[dict[str, Any]], max_len: int = 4096) -> Any:
    """OpenRLHF's path from executor outputs to one batched Experience: per-sample experiences, then concat."""
    openrlhf = load_openrlhf()
    generator = openrlhf.samples.SamplesGenerator.__new__(openrlhf.samples.SamplesGenerator)
    experiences = [generator._process_response_into_experience(r, max_len=max_len) for r in responses]
    batch = openrlhf.experience.Experience.concat_experiences(experiences, chatml_tokenizer().pad_token_id)
    return experiences, batch
