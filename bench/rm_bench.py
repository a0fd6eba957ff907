"""Reward-model throughput: a naive one-at-a-time loop vs r1verify's batching (verify_batch and the Engine).

The model is randomly initialised from a config (no download): ``tiny`` (hidden 32, 2 layers) for CPU plumbing
numbers, ``0.5b`` (the shape of Qwen2.5-0.5B) for a GPU. Texts are real math completions from
``tests/rm/data/qwen_math_rm_scored.jsonl`` (see its PROVENANCE.md), each with a distinct prompt so that nothing
is deduplicated, scored with ``view=full``.

    .venv/bin/python bench/rm_bench.py                              # tiny model, CPU
    .venv/bin/python bench/rm_bench.py --model-size 0.5b            # picks CUDA (bf16) when available
    .venv/bin/python bench/rm_bench.py --model-size 0.5b --device cpu --items 32

(a) naive: for each sample, apply the chat template, tokenize, one forward pass (what a hand-written reward
function does); (b) ``RewardModel.verify_batch`` on the whole list (sorted by length, micro-batches of
``--batch-size``); (c) ``Engine.verify`` with a recipe, i.e. (b) in the dedicated process plus the transfer.
All three use the same loaded weights, device and dtype; model loading is outside every timing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROWS = Path(__file__).resolve().parents[1] / "tests" / "rm" / "data" / "qwen_math_rm_scored.jsonl"


def make_samples(n: int) -> list:
    from r1verify import Sample

    rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]
    return [
        Sample(rows[i % len(rows)]["completion"], prompt=f"[{i}] {rows[i % len(rows)]['question']}") for i in range(n)
    ]


def naive(verifier, samples) -> list[float]:
    import torch
    from r1verify_rm.loading import load_model

    loaded = load_model(verifier.options)
    tokenizer, model = loaded.tokenizer, loaded.model
    out = []
    with torch.inference_mode():
        for s in samples:
            messages = [{"role": "user", "content": s.prompt}, {"role": "assistant", "content": s.completion.strip()}]
            text = tokenizer.apply_chat_template(messages, tokenize=False)
            ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
            ids = ids[:, -verifier.options.max_length :].to(loaded.device)
            out.append(model(input_ids=ids).logits[0, 0].float().item())
    return out


def timed(label: str, fn, n: int, repeat: int) -> tuple[float, object]:
    """Items/s of the fastest of ``repeat`` runs (the least disturbed by other load), and its result. The CPU
    seconds of this process are printed too: steadier than wall time on a shared machine, but blind to work
    done in other processes (the Engine's dedicated process)."""
    best, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        value = fn()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    print(
        f"{label:<38} {n / best:9.1f} items/s  (best of {repeat}: {best:.2f} s for {n}; "
        f"{1000 * cpu / n:.1f} ms CPU/item here)",
        flush=True,
    )
    return n / best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-size", choices=["tiny", "0.5b"], default="tiny")
    parser.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda, cuda:1, ...")
    parser.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    parser.add_argument("--items", type=int, help="samples to score [tiny: 128, 0.5b: 512]")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method; the fastest counts")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--threads", type=int, help="torch CPU threads, here and in the dedicated process")
    parser.add_argument("--no-engine", action="store_true", help="skip (c), the Engine run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)  # inherited by the engine's dedicated process

    import torch
    from r1verify_rm import RewardModel
    from r1verify_rm.loading import load_model, resolve
    from r1verify_rm.testing import save_random_reward_model

    from r1verify import Engine, Recipe

    n = args.items or (128 if args.model_size == "tiny" else 512)
    samples = make_samples(n)
    device, dtype = resolve(args.device, args.dtype)
    with tempfile.TemporaryDirectory(prefix="rm-bench-") as tmp:
        corpus = [s.prompt + "\n" + s.completion for s in samples[:80]]
        save_dtype = "bfloat16" if args.model_size == "0.5b" and dtype == torch.bfloat16 else "float32"
        started = time.perf_counter()
        model_dir = save_random_reward_model(tmp, corpus, size=args.model_size, dtype=save_dtype)
        options = {
            "model": str(model_dir),
            "view": "full",
            "device": args.device,
            "dtype": args.dtype,
            "max_length": args.max_length,
            "batch_size": args.batch_size,
        }
        verifier = RewardModel(**options)
        loaded = load_model(verifier.options)
        params = sum(p.numel() for p in loaded.model.parameters())
        print(
            f"model {args.model_size}: {params / 1e6:.1f}M parameters on {device} ({dtype}), "
            f"built+loaded in {time.perf_counter() - started:.1f} s; torch threads {torch.get_num_threads()}"
        )

        naive(verifier, samples[:4])  # warm-up: first-call allocations and kernel selection
        verifier.verify_batch(samples[:4])
        rate_naive, scores_naive = timed(
            "(a) naive one-at-a-time loop", lambda: naive(verifier, samples), n, args.repeat
        )
        rate_batch, verdicts = timed(
            "(b) RewardModel.verify_batch", lambda: verifier.verify_batch(samples), n, args.repeat
        )
        tokens = [v.details["tokens"] for v in verdicts]
        print(
            f"{n} samples, tokens per text: mean {sum(tokens) / n:.0f}, max {max(tokens)} "
            f"(max_length {args.max_length}); batch_size {args.batch_size}"
        )
        agree = max(  # texts that were cut are cut differently (the naive loop drops BOS): compare the others
            (abs(a - v.score) for a, v in zip(scores_naive, verdicts, strict=True) if not v.details["truncated"]),
            default=0.0,
        )
        figures = {
            "model_size": args.model_size,
            "device": str(device),
            "dtype": str(dtype),
            "items": n,
            "batch_size": args.batch_size,
            "naive_items_per_s": rate_naive,
            "verify_batch_items_per_s": rate_batch,
            "max_abs_diff_naive_vs_batched": agree,
        }
        if not args.no_engine:
            recipe = Recipe.from_dict({"verifiers": {"rm": {"verifier": "reward_model", "options": options}}})
            with Engine(recipe, workers=1, cache_size=0) as engine:  # no cache: every run scores every sample
                engine.verify(make_samples(n + 4)[n:])  # start the dedicated process and load the model there
                rate_engine, _ = timed(
                    "(c) Engine.verify (dedicated process)", lambda: engine.verify(samples), n, args.repeat
                )
            figures["engine_items_per_s"] = rate_engine
        print(f"max |naive - batched| over untruncated texts = {agree:.2e}")
        print(
            f"speed-up over the naive loop: verify_batch x{rate_batch / rate_naive:.1f}"
            + ("" if args.no_engine else f", Engine x{figures['engine_items_per_s'] / rate_naive:.1f}")
        )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
