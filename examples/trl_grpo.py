"""GRPO with TRL, rewarded by an r1verify recipe: one reward function per verifier, logged per verifier.

Real run (one GPU; the model and dataset come from the Hugging Face hub or local files)::

    python examples/trl_grpo.py --model Qwen/Qwen2.5-1.5B-Instruct \\
        --dataset DigitalLearningGmbH/MATH-lighteval --prompt-column problem --reference-column solution \\
        --recipe my_recipe.toml --output-dir runs/grpo

Offline smoke run (a tiny random Qwen2 built locally, 16 bundled MATH-500 problems, 2 steps on CPU)::

    python examples/trl_grpo.py --tiny

Without ``--recipe`` or ``--verifier`` the rewards are ``math`` (weight 1) and ``think_format`` (weight 0.25).
See docs/trl.md.

r1verify's worker processes do not import this file, so a custom verifier must live in an importable module.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

SYSTEM_PROMPT = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The "
    "assistant first thinks about the reasoning process in the mind and then provides the user with the answer. "
    "The reasoning process is enclosed within <think> </think> tags, followed by the final answer, i.e., "
    "<think> reasoning process here </think> final answer here. Put the final answer in \\boxed{}."
)
DEFAULT_VERIFIERS = ["math:as=accuracy,weight=1.0", "think_format:as=format,weight=0.25"]
PROMPT_COLUMNS = ("prompt", "problem", "question")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tiny", action="store_true", help="offline smoke run: tiny random model, bundled data, CPU")
    p.add_argument("--model", help="model name on the hub or local path (ignored with --tiny)")
    p.add_argument("--dataset", help="hub dataset name, a .jsonl/.json/.parquet file or a saved dataset folder")
    p.add_argument("--dataset-config", default=None, help="hub dataset configuration name")
    p.add_argument("--split", default="train")
    p.add_argument("--prompt-column", default=None, help=f"default: the first of {', '.join(PROMPT_COLUMNS)}")
    p.add_argument(
        "--reference-column",
        default=None,
        help="default: the first of reference, ground_truth, answer, solution, label, tests",
    )
    p.add_argument("--domain-column", default="domain")
    p.add_argument("--recipe", help="registered recipe name or path to a TOML recipe")
    p.add_argument(
        "--verifier",
        action="append",
        default=[],
        metavar="NAME[:k=v,...]",
        help="a verifier spec as on the CLI (repeatable), instead of --recipe",
    )
    p.add_argument("--no-chat", action="store_true", help="plain-text prompts instead of chat messages")
    p.add_argument("--system-prompt", default=SYSTEM_PROMPT)
    p.add_argument(
        "--prefill-think",
        action="store_true",
        help="the model's chat template writes <think> itself (Qwen3, DeepSeek-R1-Distill); on with --tiny",
    )
    p.add_argument("--on-error", default="recipe", help="score of a failed verifier: recipe, none, or a number")
    p.add_argument("--async-rewards", action="store_true", help="async reward functions")
    p.add_argument(
        "--domains",
        default="auto",
        help="comma-separated domains the rewards are for (only verifiers that apply become reward functions); "
        "auto: the dataset's domain column (or the recipe's default domain); all: every verifier",
    )
    p.add_argument(
        "--completions-table",
        choices=["compact", "columns", "none"],
        default="compact",
        help="r1verify's columns in TRL's completions table: one 'r1verify' column, or status/answer per verifier",
    )
    p.add_argument(
        "--print-completions",
        type=int,
        default=0,
        metavar="N",
        help="print TRL's completions table (N completions) every step; the whole table is saved under "
        "OUTPUT_DIR/completions/ either way",
    )
    p.add_argument("--output-dir", default="runs/trl_grpo")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--num-generations", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=None, help="per-device train batch size")
    p.add_argument("--max-completion-length", type=int, default=None)
    p.add_argument("--learning-rate", type=float, default=1e-6)
    p.add_argument("--max-samples", type=int, default=None, help="use only the first N rows")
    p.add_argument("--use-vllm", action="store_true", help="generate with vLLM (colocated)")
    p.add_argument("--report-to", default="none")
    args = p.parse_args(argv)
    if not args.tiny and not (args.model and args.dataset):
        p.error("--model and --dataset are required (or run the offline smoke test with --tiny)")
    if args.recipe and args.verifier:
        p.error("give --recipe or --verifier, not both")
    return args


def load_rows(args: argparse.Namespace) -> Any:
    """The training dataset as a ``datasets.Dataset``."""
    import datasets

    if args.tiny:
        from r1verify_trl.tiny import tiny_math_rows

        return datasets.Dataset.from_list([{**row, "domain": "math"} for row in tiny_math_rows()])
    path = Path(args.dataset)
    if path.is_dir():
        loaded = datasets.load_from_disk(str(path))
        data = loaded[args.split] if isinstance(loaded, datasets.DatasetDict) else loaded
    elif path.is_file():
        kind = {".jsonl": "json", ".json": "json", ".parquet": "parquet"}.get(path.suffix.lower())
        if kind is None:
            raise SystemExit(f"{path}: use a .jsonl, .json or .parquet file, or a saved dataset folder")
        data = datasets.load_dataset(kind, data_files=str(path), split="train")
    else:
        data = datasets.load_dataset(args.dataset, args.dataset_config, split=args.split)
    if args.max_samples:
        data = data.select(range(min(args.max_samples, len(data))))
    return data


def with_prompts(data: Any, args: argparse.Namespace) -> Any:
    """Add the ``prompt`` column GRPOTrainer reads: chat messages (default) or plain text."""
    column = args.prompt_column or next((c for c in PROMPT_COLUMNS if c in data.column_names), None)
    if column is None:
        raise SystemExit(f"no prompt column; pass --prompt-column (columns: {', '.join(data.column_names)})")
    if column == "prompt":  # keep the raw question; `prompt` becomes the formatted one
        data, column = data.rename_column("prompt", "question"), "question"

    def make(row: dict[str, Any]) -> dict[str, Any]:
        question = row[column]
        if args.no_chat:
            return {"prompt": f"{args.system_prompt}\n\nUser: {question}\nAssistant: <think>\n"}
        return {"prompt": [{"role": "system", "content": args.system_prompt}, {"role": "user", "content": question}]}

    return data.map(make)


def make_recipe(args: argparse.Namespace) -> Any:
    from r1verify import Recipe

    if args.recipe:
        return Recipe.load(args.recipe)
    return Recipe.from_verifier_args(args.verifier or DEFAULT_VERIFIERS, name="trl_grpo")


def reward_domains(args: argparse.Namespace, data: Any, recipe: Any) -> list[str] | None:
    """The domains to keep reward functions for: ``--domains``, or those of the dataset's rows (``auto``)."""
    if args.domains == "all":
        return None
    if args.domains != "auto":
        return [d.strip() for d in args.domains.split(",") if d.strip()]
    values = data[args.domain_column] if args.domain_column in data.column_names else [None]
    found = {recipe.effective_domain(v) for v in values}
    return None if None in found else sorted(found)


def print_last_completions(output_dir: str, limit: int = 4) -> None:
    """A few rows of the last completions table TRL saved, one line each."""
    import pandas as pd

    tables = sorted(Path(output_dir, "completions").glob("completions_*.parquet"))
    if not tables:
        return
    table = pd.read_parquet(tables[-1])
    print(f"last completions ({tables[-1]}, {len(table)} rows; first {min(limit, len(table))}):")
    for _, row in table.head(limit).iterrows():
        completion = row["completion"]
        if not isinstance(completion, str):  # conversational: [{"role": "assistant", "content": ...}]
            completion = " ".join(str(m.get("content", "")) for m in completion)
        verdicts = row["r1verify"] if "r1verify" in row else ""
        print(f"  advantage {row['advantage']:+.2f}  {verdicts}  | {completion[-60:]!r}")


def model_and_tokenizer(args: argparse.Namespace) -> tuple[Any, Any]:
    if args.tiny:
        from r1verify_trl.tiny import tiny_model, tiny_tokenizer

        tokenizer = tiny_tokenizer()  # its chat template pre-fills <think>, as R1-distill templates do
        return tiny_model(tokenizer), tokenizer
    from transformers import AutoTokenizer

    return args.model, AutoTokenizer.from_pretrained(args.model)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    import torch
    from r1verify_trl import grpo_config, reward_funcs
    from trl import GRPOTrainer

    # the tiny tokenizer's chat template writes <think> after the assistant header, as R1-distill templates do
    prefill = args.prefill_think or (args.tiny and not args.no_chat)
    on_error = {"recipe": "recipe", "none": None}.get(args.on_error.lower(), args.on_error)
    if isinstance(on_error, str) and on_error != "recipe":
        on_error = float(on_error)
    columns: dict[str, Any] = {"domain": args.domain_column}
    if args.reference_column:
        columns["reference"] = args.reference_column

    recipe = make_recipe(args)
    dataset = with_prompts(load_rows(args), args)
    rf = reward_funcs(
        recipe,
        prefill_think=prefill,
        on_error=on_error,
        asynchronous=args.async_rewards,
        domains=reward_domains(args, dataset, recipe),  # no `code` function logging None on math-only data
        completions_table=args.completions_table,
        **columns,
    )
    model, tokenizer = model_and_tokenizer(args)
    tiny = args.tiny
    # grpo_config: GRPOConfig in transformers' current names (activation_checkpointing), no deprecation notices
    config = grpo_config(
        output_dir=args.output_dir,
        reward_weights=rf.weights,
        learning_rate=args.learning_rate,
        max_steps=args.max_steps or (2 if tiny else -1),
        num_train_epochs=1,
        num_generations=args.num_generations or (2 if tiny else 8),
        per_device_train_batch_size=args.batch_size or (4 if tiny else 8),
        max_completion_length=args.max_completion_length or (16 if tiny else 1024),
        use_cpu=tiny,
        bf16=not tiny and torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
        use_vllm=args.use_vllm,
        vllm_mode="colocate",
        logging_steps=1,
        log_completions=True,  # the whole table goes to OUTPUT_DIR/completions/*.parquet (and wandb)
        num_completions_to_print=args.print_completions,  # 0: no console table (it wraps badly in a terminal)
        save_strategy="no" if tiny else "steps",
        report_to=args.report_to,
    )
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, reward_funcs=rf.funcs, train_dataset=dataset, args=config
    )
    try:
        trainer.train()
    finally:
        rf.close()
    last = [h for h in trainer.state.log_history if "reward" in h][-1]
    summary = {k: v for k, v in last.items() if k == "reward" or k.startswith(("rewards/", "r1verify/"))}
    for key, value in summary.items():
        print(f"{key:40s} {value}")
    print_last_completions(args.output_dir)
    return summary


if __name__ == "__main__":
    main()
