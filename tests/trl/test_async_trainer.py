"""The adapter in TRL's asynchronous GRPO (``trl.experimental.async_grpo``), which scores each group as soon as its
rollouts end, in a spawned, daemonic child process, and sums the reward functions unweighted.

Fast tests drive TRL's own reward-calling code (``_AsyncRolloutLoop._score_group``) with our functions. The slow
test trains ``AsyncGRPOTrainer`` itself for 2 steps on CPU: TRL's trainer, its ``AsyncRolloutWorker`` (spawned
child, our functions pickled into it), its rollout loop, collator and loss. Three parts of it cannot run here and
are replaced (see ``cpu_stand_ins``): vLLM (not installed; generation goes to a small HTTP server with vLLM's
``/v1/completions`` answer shape that samples from the same tiny model), the FlashAttention-3 kernel of its tree
attention (fetched from the Hub, CUDA only; replaced by the same attention in plain torch) and the CUDA device-name
lookup for MFU. Weights are not synced to the stand-in server (``weight_transfer`` is a no-op, which TRL allows).

veRL's asynchronous reward loop (``RewardLoopWorker`` building our ``R1VerifyRewardManager``, one engine call per
chunk) is tested in tests/verl/test_manager.py::test_verl_reward_loop_worker_runs_our_loop_manager.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import queue
import socket
import threading
import time
import types
from typing import Any

import pytest
from r1verify_trl import reward_funcs
from r1verify_trl.tiny import tiny_math_rows, tiny_model, tiny_tokenizer

from r1verify import Engine, Recipe, Sample

from .support import make_recipe

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")

ROWS = [
    ("<think>\n2+2=4\n</think>\n\nThe answer is 4", "4", "math"),
    ("<think>\nmaybe 5\n</think>\n\nThe answer is 5", "4", "math"),
    ("<think>\nhello\n</think>\n\nhello", "hello", "general"),
    ("<think>\n2+2=4\n</think>\n\nThe answer is 4", "4", "math"),  # the same work as the first row
]


def async_tokenizer() -> Any:
    """The tiny tokenizer with a response parser (AsyncGRPO parses each turn; Qwen3's parser reads the pre-filled
    ``<think>`` of the tiny template)."""
    from trl.chat_template_utils import qwen3_template

    tokenizer = tiny_tokenizer()
    tokenizer.response_template = qwen3_template
    return tokenizer


class Value:
    """Stands in for the ``multiprocessing.Value`` the worker process shares with the trainer."""

    def __init__(self, value: float) -> None:
        self.value = value


def rollout_loop(funcs: list[Any]) -> Any:
    """TRL's own rollout loop object, built in this process (it is never run: only its scoring is called)."""
    import datasets
    from accelerate.state import PartialState
    from trl.experimental.async_grpo.async_rollout_worker import _AsyncRolloutLoop

    PartialState()  # as TRL's worker process does first (its logging needs it)
    return _AsyncRolloutLoop(
        model_name="tiny",
        dataset=datasets.Dataset.from_list([{"prompt": [{"role": "user", "content": "q"}]}]),
        reward_funcs=funcs,
        processing_class=async_tokenizer(),
        eos_token_ids=[0],
        rollout_buffer=queue.Queue(),
        model_version_value=Value(0),
        heartbeat_value=Value(time.time()),
        failed_event=threading.Event(),
        exception_info_queue=queue.Queue(maxsize=1),
        metrics_queue=queue.Queue(),
        num_generations=len(ROWS),
    )


def group(rows=ROWS) -> Any:
    """One prompt's rollouts, as the loop hands them to ``_score_group`` (conversational completions)."""
    from trl.experimental.async_grpo.async_rollout_worker import RolloutGroup, TrainingSequence

    n = len(rows)
    return RolloutGroup(
        prompts=[[{"role": "user", "content": "q"}]] * n,
        reward_kwargs={"answer": [r[1] for r in rows], "domain": [r[2] for r in rows]},
        completions=[[{"role": "assistant", "content": r[0]}] for r in rows],
        completions_ids=[[1, 2]] * n,
        completions_sequences=[[TrainingSequence([1, 2, 3], [0, 1, 1], [0.0, -1.0, -1.0], f"r{i}")] for i in range(n)],
        tool_call_counts=[0] * n,
        tool_failure_counts=[0] * n,
        model_version=0,
        group_id=0,
        env_rewards=[None] * n,
        rollout_rewards=[None] * n,
    )


@pytest.fixture
def engine_calls(monkeypatch):
    """The sizes of the engine calls the reward functions make."""
    from r1verify_trl.batch import SharedBatches

    calls: list[int] = []
    verify = SharedBatches._verify

    def counting(self, samples):
        calls.append(len(samples))
        return verify(self, samples)

    monkeypatch.setattr(SharedBatches, "_verify", counting)
    return calls


@pytest.mark.parametrize("asynchronous", [False, True])
def test_trl_async_scoring_sums_our_weighted_functions(make_rf, engine_calls, asynchronous):
    recipe = make_recipe(
        accuracy={"verifier": "exact_match", "weight": 1.0},
        seen={"verifier": "echo", "weight": 0.5},
        math_bonus={"verifier": "const", "weight": 2.0, "domains": ["math"], "options": {"value": 0.25}},
    )
    # AsyncGRPOTrainer has no reward_weights: apply_weights puts the recipe weights into the functions
    rf = make_rf(recipe, apply_weights=True, asynchronous=asynchronous)
    samples = asyncio.run(rollout_loop(rf.funcs)._score_group(group()))

    assert engine_calls == [len(ROWS)]  # every function, one engine call for the group
    with Engine(recipe, workers=1) as engine:
        expected = engine.verify([Sample(completion=c, prompt=[], reference=a, domain=d) for c, a, d in ROWS])
    assert [s.metrics["reward"] for s in samples] == pytest.approx([r.reward for r in expected])
    for sample, result, (_, _, domain) in zip(samples, expected, ROWS, strict=True):
        assert sample.metrics["rewards/accuracy"] == result.scores["accuracy"]
        assert sample.metrics["rewards/seen"] == 0.5 * result.scores["seen"]
        assert math.isnan(sample.metrics["rewards/math_bonus"]) == (domain != "math")  # None: left out
    rewards = [r.reward for r in expected]
    mean = sum(rewards) / len(rewards)
    std = (sum((r - mean) ** 2 for r in rewards) / len(rewards)) ** 0.5
    assert [s.advantage for s in samples] == pytest.approx([(r - mean) / (std + 1e-8) for r in rewards])


def test_trl_async_scoring_keeps_the_deadline_masks_failures_and_logs_them(make_rf, caplog):
    recipe = make_recipe(
        ok={"verifier": "echo", "weight": 1.0},
        stuck_async={"verifier": "hang", "weight": 1.0, "timeout": 0.5, "domains": ["general"]},
    )
    rf = make_rf(recipe, apply_weights=True, on_error="mask")
    loop = rollout_loop(rf.funcs)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="r1verify_trl"):
        samples = asyncio.run(loop._score_group(group()))
    assert time.monotonic() - started < 30  # the hung verifier was cut off at its deadline

    general = [d == "general" for _, _, d in ROWS]
    # the row whose verifier timed out: None from every function, so TRL gives it no reward and advantage 0
    assert [math.isnan(s.metrics["reward"]) for s in samples] == general
    assert [s.advantage == 0.0 for s in samples] == general
    scored = [s for s, g in zip(samples, general, strict=True) if not g]
    assert [s.metrics["reward"] for s in scored] == [1.0, 0.0, 1.0]  # the others keep their group baseline
    assert [s.advantage for s in scored] == pytest.approx([2**-0.5, -(2**0.5), 2**-0.5], rel=1e-6)
    # AsyncGRPO passes no log_metric: the failures reach the log instead, counted
    assert "verifier stuck_async: 0 error, 1 timeout in a batch of 4" in caplog.text


def test_an_engine_that_never_starts_stops_the_run_instead_of_training_on_zeros(make_rf, monkeypatch):
    """What the daemonic worker did before: every batch an error. Now the guard sees setup errors and stops."""
    import r1verify_trl.batch
    from r1verify.guard import RunStopped

    class Refused:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(r1verify_trl.batch, "Engine", Refused)
    rf = make_rf(make_recipe(acc={"verifier": "exact_match"}))
    batch = {"prompts": ["q"] * 4, "completions": ["4"] * 4, "answer": ["4"] * 4}
    assert rf.funcs[0](**batch) == [0.0] * 4  # the first 4 samples: fewer than the guard's window of 8
    with pytest.raises(RunStopped, match="verifier engine failed: AssertionError: daemonic processes"):
        rf.funcs[0](**batch)


def _score_in_child(funcs: list[Any], out: Any) -> None:
    """Run in a daemonic spawned process, as AsyncRolloutWorker runs the reward functions."""
    try:
        out.put([f(prompts=["q"], completions=["<think>\nx\n</think>\n\n4"], answer=["4"]) for f in funcs])
    except BaseException as exc:  # noqa: BLE001 - report to the test
        out.put(repr(exc))


def test_functions_start_their_engine_in_a_daemonic_process_and_let_it_exit():
    """TRL's rollout child is daemonic; multiprocessing refuses children to daemonic processes, which made every
    batch an error (reward 0) before the functions allowed it. A multiprocessing child exits without atexit
    handlers, after joining its children: the functions stop their workers first, or it would never exit."""
    rf = reward_funcs(Recipe.from_verifier_args(["exact_match", "tag_count:weight=0.5"]), workers=1)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_score_in_child, args=(rf.funcs, out), daemon=True)
    child.start()
    try:
        assert out.get(timeout=120) == [[1.0], [1.0]]
        child.join(timeout=30)
        assert child.exitcode == 0
    finally:
        if child.is_alive():
            child.kill()


# --------------------------------------------------------------------------------------------------------------
# AsyncGRPOTrainer itself, on CPU


def _torch_varlen_attention(q, k, v, cu_q, cu_k, max_q, max_k, softmax_scale=None, causal=True, **_: Any):
    """``flash_attn_varlen_func`` (causal, bottom-right aligned, grouped-query) in plain torch, for CPU."""
    import torch

    heads, kv_heads = q.shape[1], k.shape[1]
    scale = softmax_scale if softmax_scale is not None else q.shape[-1] ** -0.5
    out = torch.empty_like(q)
    for s in range(len(cu_q) - 1):
        qs = q[cu_q[s] : cu_q[s + 1]].transpose(0, 1)
        ks = k[cu_k[s] : cu_k[s + 1]].transpose(0, 1).repeat_interleave(heads // kv_heads, 0)
        vs = v[cu_k[s] : cu_k[s + 1]].transpose(0, 1).repeat_interleave(heads // kv_heads, 0)
        lq, lk = qs.shape[1], ks.shape[1]
        scores = (qs @ ks.transpose(1, 2)) * scale
        future = torch.arange(lk)[None, :] > torch.arange(lq)[:, None] + (lk - lq)
        out[cu_q[s] : cu_q[s + 1]] = (scores.masked_fill(future, float("-inf")).softmax(-1) @ vs).transpose(0, 1)
    return out


def _serve_completions(model: Any, tokenizer: Any) -> str:
    """vLLM's ``/v1/completions`` (token ids in, token ids and log-probs out), sampling from ``model``."""
    import torch
    from aiohttp import web

    lock = threading.Lock()

    async def completions(request: web.Request) -> web.Response:
        body = await request.json()
        ids = torch.tensor([body["prompt"]])
        with lock, torch.no_grad():
            out = model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                do_sample=True,
                top_k=0,
                max_new_tokens=body["max_tokens"],
                temperature=body["temperature"],
                return_dict_in_generate=True,
                output_scores=True,
                pad_token_id=tokenizer.pad_token_id,
            )
            logprobs = model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)[0]
        token_ids = out.sequences[0, ids.shape[1] :].tolist()
        choice = {"token_ids": token_ids, "logprobs": {"token_logprobs": logprobs.tolist()}}
        return web.json_response({"choices": [choice]})

    app = web.Application()
    app.router.add_post("/v1/completions", completions)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True, name="stand-in-vllm").start()
    ready.wait(30)
    return f"http://127.0.0.1:{port}"


class NoWeightTransfer:
    """TRL's ``WeightTransferProtocol`` doing nothing: the stand-in server keeps its weights."""

    def init_weight_transfer(self) -> None: ...
    def pause(self) -> None: ...
    def send_weights(self, iterator: Any) -> None:
        for _ in iterator:
            pass

    def resume(self) -> None: ...
    def destroy(self) -> None: ...


@pytest.fixture
def cpu_stand_ins(monkeypatch):
    """Replace what stops AsyncGRPOTrainer on a CPU-only machine without vLLM (see the module docstring)."""
    from trl.experimental.async_grpo import async_grpo_trainer, async_rollout_worker, packing

    kernel = types.SimpleNamespace(flash_attn_varlen_func=_torch_varlen_attention)
    monkeypatch.setattr(packing, "_flash_attn", lambda: kernel)
    monkeypatch.setattr(async_rollout_worker, "is_vllm_available", lambda: True)  # only checked, never imported
    monkeypatch.setattr(async_grpo_trainer, "get_peak_flops_per_device", lambda accelerator, dtype: None)


def train_async(rf: Any, tmp_path: Any, rows: list[dict[str, Any]] | None = None) -> Any:
    """``AsyncGRPOTrainer`` with ``rf``'s functions, trained for 2 steps on CPU (see ``cpu_stand_ins``); the trainer."""
    import datasets
    from r1verify_trl.config import current_names, quiet_old_checkpointing_aliases
    from trl.experimental.async_grpo import AsyncGRPOConfig, AsyncGRPOTrainer

    tokenizer = async_tokenizer()
    tiny_model(tokenizer).save_pretrained(tmp_path / "model")  # AsyncGRPOTrainer loads its model from a path
    tokenizer.save_pretrained(tmp_path / "model")
    url = _serve_completions(tiny_model(tokenizer), tokenizer)
    if rows is None:
        problems = tiny_math_rows()
        rows = [{"prompt": [{"role": "user", "content": r["problem"]}], "answer": r["answer"]} for r in problems]
    settings = dict(
        output_dir=str(tmp_path / "out"),
        use_cpu=True,
        bf16=False,
        report_to="none",
        max_steps=2,
        per_device_train_batch_size=4,
        num_generations=2,
        max_completion_length=8,
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        vllm_server_base_url=url,
        token_budget=0,  # fixed-count micro-batches; no max_model_len query to vLLM
        max_inflight_tasks=4,
        heartbeat_stale_after_s=120,
    )
    quiet_old_checkpointing_aliases()
    args = AsyncGRPOConfig(**current_names(AsyncGRPOConfig, settings))  # transformers 5 names: no FutureWarning
    trainer = AsyncGRPOTrainer(
        model=str(tmp_path / "model"),
        reward_funcs=rf.funcs,
        args=args,
        train_dataset=datasets.Dataset.from_list(rows),
        processing_class=tokenizer,
        weight_transfer=NoWeightTransfer(),
    )
    try:
        trainer.train()
    finally:
        rf.close()
    return trainer


@pytest.mark.slow
def test_async_grpo_trainer_trains_two_steps_on_cpu_with_our_functions(cpu_stand_ins, tmp_path, capfd):
    # real verifiers (the spawned worker does not see the test plugins); tag_count scores the parsed reasoning
    rf = reward_funcs(
        Recipe.from_verifier_args(["math:as=accuracy", "tag_count:as=tags,weight=0.5"], name="async"),
        apply_weights=True,
        prefill_think=True,
        workers=1,
    )
    trainer = train_async(rf, tmp_path)

    assert trainer.state.global_step == 2
    steps = [h for h in trainer.state.log_history if "reward" in h]
    assert len(steps) == 2
    for entry in steps:
        assert set(entry) >= {"rewards/accuracy", "rewards/tags", "loss", "rollout/score_s"}
        # the weighted tags score of every completion (the parser closes the reasoning: tag_count 1.0 or 0.5)
        assert 0.25 <= entry["rewards/tags"] <= 0.5
        assert entry["reward"] == pytest.approx(entry["rewards/accuracy"] + entry["rewards/tags"])
    err = capfd.readouterr().err
    assert "could not verify" not in err and "daemonic" not in err  # the worker child verified every group
    assert "did not exit" not in err  # and ended when the trainer stopped it


@pytest.mark.slow
def test_a_setup_mistake_in_the_async_worker_stops_the_trainer(cpu_stand_ins, tmp_path, monkeypatch):
    """A mapped column missing from the dataset raises in TRL's worker process; the trainer raises with it.

    TRL 1.16's ``AsyncRolloutWorker.stop()`` then hangs for ever: it sets a ``multiprocessing.Event`` that the dead
    child's watcher thread was waiting on, and ``Event.set()`` waits for every registered waiter to wake. So that
    the test sees the trainer's exception, ``stop()`` skips a child that is already dead (docs/trl.md says so).
    """
    from trl.experimental.async_grpo.async_rollout_worker import AsyncRolloutWorker

    stop = AsyncRolloutWorker.stop
    dead: list[bool] = []

    def stop_unless_dead(self: Any) -> None:
        if self._process is not None and not self._process.is_alive():
            dead.append(True)
            self._process = None
        stop(self)

    monkeypatch.setattr(AsyncRolloutWorker, "stop", stop_unless_dead)
    rf = reward_funcs(Recipe.from_verifier_args(["math"]), apply_weights=True, reference="solution", workers=1)
    with pytest.raises(RuntimeError, match="Rollout worker child has failed") as failed:
        train_async(rf, tmp_path)
    assert "ColumnError: reference column 'solution' is not in the dataset" in str(failed.value.__cause__)
    assert dead == [True]  # the worker process had ended: TRL's own stop() would have hung here
