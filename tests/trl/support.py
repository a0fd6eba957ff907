"""Helpers of the TRL adapter tests."""

from __future__ import annotations

from typing import Any

from r1verify import Recipe


def make_recipe(**specs: Any) -> Recipe:
    """A recipe from ``name={"verifier": ..., "weight": ...}`` tables."""
    return Recipe.from_dict({"verifiers": specs}, name="test")


class TrainerLogs:
    """``log_extra`` / ``log_metric`` stand-ins that keep what they get, as GRPOTrainer's buffers do."""

    def __init__(self) -> None:
        self.extra: dict[str, list] = {}
        self.metrics: dict[str, list[float]] = {}

    def log_extra(self, column: str, values: list) -> None:
        self.extra.setdefault(column, []).extend(values)

    def log_metric(self, name: str, value: float) -> None:
        self.metrics.setdefault(name, []).append(value)

    def kwargs(self) -> dict[str, Any]:
        return {"log_extra": self.log_extra, "log_metric": self.log_metric, "trainer_state": object()}


def run_grpo(rf: Any, dataset: Any, tokenizer: Any, output_dir: str, **overrides: Any) -> Any:
    """Train a fresh tiny Qwen2 model for 2 GRPO steps on CPU with ``rf``'s functions and weights; the trainer."""
    from r1verify_trl.tiny import tiny_model
    from r1verify_trl import grpo_config
    from trl import GRPOTrainer

    settings: dict[str, Any] = {
        "output_dir": output_dir,
        "use_cpu": True,
        "bf16": False,
        "report_to": "none",
        "max_steps": 2,
        "per_device_train_batch_size": 4,
        "num_generations": 2,
        "max_completion_length": 8,
        "logging_steps": 1,
        "save_strategy": "no",
        "log_completions": False,
        "disable_tqdm": True,
        "seed": 0,
        "reward_weights": rf.weights,
    }
    settings.update(overrides)
    trainer = GRPOTrainer(
        model=tiny_model(tokenizer),
        processing_class=tokenizer,
        reward_funcs=rf.funcs,
        train_dataset=dataset,
        args=grpo_config(**settings),
    )
    trainer.train()
    return trainer


def step_logs(trainer: Any) -> list[dict[str, float]]:
    """The per-step entries of the trainer's log history (the final summary left out)."""
    return [h for h in trainer.state.log_history if "reward" in h]
