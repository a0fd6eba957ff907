"""`r1verify verl convert` and `r1verify verl overrides` through the CLI, checked with pyarrow and veRL 0.9.1's own
``RLHFDataset`` (offline tokenizer, local parquet: no hub) and veRL's own config yaml and loaders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli
from r1verify.plugins import load_plugins, pm

VERL_CONFIG = Path(__import__("verl").__file__).parent / "trainer/config/_generated_ppo_trainer.yaml"
PROGRAM = "<think>add</think>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```"
ROWS = [
    {"question": "What is 2 + 2?", "answer": "4", "domain": "math", "level": 1},
    {"question": "What is 3 * 3?", "answer": "9", "domain": "math", "level": 2},
    {"question": "Read a and b, print a + b.", "answer": {"inputs": ["1 2\n"], "outputs": ["3\n"]}, "domain": "code",
     "level": "easy"},
]


def run(*args: str):
    load_plugins()
    pm.hook.register_commands(cli=cli)  # `verl` comes from the adapter's r1verify plugin
    return CliRunner().invoke(cli, ["verl", *args], catch_exceptions=False)


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("convert")
    out = tmp / "train.parquet"
    result = run(
        "convert", str(write_jsonl(tmp / "mix.jsonl", ROWS)), "--out", str(out), "--map", "prompt=question",
        "--map", "reference=answer", "--data-source", "r1verify/mix", "--system", "Think first.",
    )
    assert result.exit_code == 0, result.output
    assert "wrote 3 rows" in result.output
    return out


def test_parquet_has_verls_columns_and_types(converted):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(converted)
    schema = table.schema
    assert schema.names == ["data_source", "prompt", "ability", "reward_model", "extra_info"]
    assert schema.field("data_source").type == pa.string() and schema.field("ability").type == pa.string()
    assert schema.field("prompt").type == pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
    assert schema.field("reward_model").type == pa.struct([("style", pa.string()), ("ground_truth", pa.string())])
    assert pa.types.is_struct(schema.field("extra_info").type)
    rows = table.to_pylist()
    assert [r["ability"] for r in rows] == ["math", "math", "code"]
    assert rows[0]["prompt"] == [{"role": "system", "content": "Think first."},
                                 {"role": "user", "content": "What is 2 + 2?"}]
    assert rows[0]["reward_model"] == {"style": "rule", "ground_truth": "4"}
    assert json.loads(rows[2]["reward_model"]["ground_truth"]) == ROWS[2]["answer"]
    info = [r["extra_info"] for r in rows]
    assert [i["index"] for i in info] == [0, 1, 2] and {i["split"] for i in info} == {"train"}
    assert [i["ground_truth_json"] for i in info] == [False, False, True]
    assert [i["level"] for i in info] == ["1", "2", "easy"]  # one key, one type: mixed values become strings


def test_verls_rlhf_dataset_reads_it_and_the_rows_score(converted, tok, recipe_path, tmp_path):
    from omegaconf import OmegaConf
    from verl.utils.dataset.rl_dataset import RLHFDataset

    from r1verify_verl import compute_score

    config = OmegaConf.create(
        {"cache_dir": str(tmp_path / "cache"), "prompt_key": "prompt", "max_prompt_length": 512,
         "filter_overlong_prompts": True, "truncation": "error"}
    )
    dataset = RLHFDataset(str(converted), tok, config)
    assert len(dataset) == 3  # none filtered: the chat template applied to every prompt
    rows = [dataset[i] for i in range(3)]
    assert rows[0]["raw_prompt"][1] == {"role": "user", "content": "What is 2 + 2?"}
    assert [r["data_source"] for r in rows] == ["r1verify/mix"] * 3 and [r["index"] for r in rows] == [0, 1, 2]
    # what veRL's reward managers then pass to compute_score, routed by extra_info["domain"]
    args = [(r["data_source"], r["reward_model"]["ground_truth"], r["extra_info"]) for r in rows]
    math = compute_score(args[0][0], "<think>4</think> $\\boxed{4}$", args[0][1], args[0][2], recipe=str(recipe_path))
    code = compute_score(args[2][0], PROGRAM, args[2][1], args[2][2], recipe=str(recipe_path))
    assert math["accuracy_status"] == "correct" and math["code_status"] == "skipped"
    assert code["code_status"] == "correct" and code["accuracy_status"] == "skipped"


@pytest.mark.parametrize(
    "bad, field",
    [({"answer": "4"}, "prompt"), ({"question": "q?"}, "answer"), ({"question": "q?", "answer": "4", "domain": 3},
                                                                       "domain")],
)
def test_bad_row_exits_2_naming_row_and_field(tmp_path, bad, field):
    src = write_jsonl(tmp_path / "bad.jsonl", [ROWS[0], bad])
    result = run("convert", str(src), "--out", str(tmp_path / "o.parquet"), "--map", "prompt=question",
                 "--map", "reference=answer")
    assert result.exit_code == 2, result.output
    assert "bad.jsonl:2" in result.output and repr(field) in result.output
    assert not (tmp_path / "o.parquet").exists()
    skipped = run("convert", str(src), "--out", str(tmp_path / "o.parquet"), "--map", "prompt=question",
                  "--map", "reference=answer", "--skip-invalid")
    assert skipped.exit_code == 0 and "1 invalid rows skipped" in skipped.output


def test_an_output_not_named_parquet_is_refused_before_any_work(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [ROWS[0]])
    result = run("convert", str(src), "--out", str(tmp_path / "o.jsonl"), "--map", "prompt=question",
                 "--map", "reference=answer")
    assert result.exit_code == 2 and "writes Parquet" in result.output and "o.parquet" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_a_mapped_domain_column_missing_from_a_row_is_a_bad_row_not_the_default_domain(tmp_path):
    """``--map domain=kind`` on a row without ``kind``: exit 2 naming it, never silently ``--default-domain``."""
    src = write_jsonl(tmp_path / "in.jsonl", [{**ROWS[0], "kind": "math"}, ROWS[0]])
    result = run("convert", str(src), "--out", str(tmp_path / "o.parquet"), "--map", "prompt=question",
                 "--map", "reference=answer", "--map", "domain=kind")
    assert result.exit_code == 2, result.output
    assert "in.jsonl:2" in result.output and "'kind'" in result.output and "--map domain=kind" in result.output


def _apply(lines: list[str]):
    """The printed overrides applied to veRL's own generated trainer config; ``+`` keys must be new ones."""
    from omegaconf import OmegaConf, open_dict

    config = OmegaConf.load(VERL_CONFIG)
    for line in lines:
        key, _, value = line.partition("=")
        plain = key.lstrip("+")
        parent, _, leaf = plain.rpartition(".")
        exists = OmegaConf.select(config, plain, default="__missing__") != "__missing__"
        assert exists != key.startswith("+"), f"{key}: veRL's config {'lacks' if not exists else 'has'} this key"
        if key.startswith("+"):
            node = config
            for part in parent.split("."):
                with open_dict(node):
                    if part not in node:
                        node[part] = {}
                node = node[part]
            with open_dict(node):
                node[leaf] = value
        else:
            OmegaConf.update(config, plain, value)
    return config


@pytest.mark.parametrize("style", ["manager", "function"])
def test_overrides_name_verls_config_keys(style, recipe_path):
    result = run("overrides", "--style", style, "--recipe", str(recipe_path))
    assert result.exit_code == 0, result.output
    lines = [line.rstrip(" \\") for line in result.output.strip().splitlines()]
    config = _apply(lines)
    if style == "manager":
        from verl.trainer.ppo.reward import resolve_reward_manager_cls

        from r1verify_verl.manager import R1VerifyRewardManager

        assert resolve_reward_manager_cls(config) is R1VerifyRewardManager
        assert config.reward.reward_kwargs.recipe == str(recipe_path)
    else:
        from verl.trainer.ppo.reward import get_custom_reward_fn

        fn = get_custom_reward_fn(config)
        out = fn(data_source="openai/gsm8k", solution_str="<think>4</think> $\\boxed{4}$", ground_truth="4")
        assert out["accuracy_status"] == "correct"
