"""The final-rl-general recipe: rule rewards for general rows (instructions, JSON, tool calls), and filtering
general-domain SFT data with it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from r1verify import Engine, Recipe, Sample, Status
from r1verify.cli import cli

IF_ROW = {"instruction_id_list": ["keywords:existence", "punctuation:no_comma"],
          "kwargs": [{"keywords": ["tide"]}, {}]}
WEATHER = {"name": "get_weather", "arguments": {"city": "Oslo"}}


def test_general_rows_get_rule_rewards_and_other_domains_keep_theirs():
    samples = [
        Sample("<think>The moon pulls water.</think> The tide rises as the moon pulls.", prompt="Tides?", meta=IF_ROW),
        Sample("<think>The moon pulls water.</think> Tides rise, and fall.", prompt="Tides?", meta=IF_ROW),
        Sample("<think>Say hello.</think> Hello there.", prompt="Greet me."),  # no instructions: skipped
        Sample('<think>Build it.</think>{"city": "Oslo"}', prompt="JSON please", domain="json",
               reference={"type": "object", "required": ["city"]}),
        Sample(f"<think>Call it.</think><tool_call>{json.dumps(WEATHER)}</tool_call>", prompt="Weather?",
               domain="tools", reference=[WEATHER]),
        Sample("<think>2+2=4</think> \\boxed{4}", prompt="2+2?", reference="4", domain="math"),
    ]
    with Engine(Recipe.load("final-rl-general"), workers=1) as engine:
        follows, partly, plain, schema, calls, math = engine.verify(samples)
    assert follows.verdicts["instructions"].status is Status.CORRECT
    assert partly.verdicts["instructions"].status is Status.PARTIAL and partly.reward < follows.reward
    assert plain.verdicts["instructions"].status is Status.SKIPPED
    assert plain.verdicts["format"].status is Status.CORRECT and plain.reward > 0
    assert schema.verdicts["schema"].status is Status.CORRECT
    assert schema.verdicts["instructions"].status is Status.SKIPPED
    assert calls.verdicts["calls"].status is Status.CORRECT
    assert math.verdicts["accuracy"].status is Status.CORRECT and math.verdicts["calls"].status is Status.SKIPPED
    assert [r.passed for r in (follows, partly, plain, schema, calls, math)] == [True, False, True, True, True, True]


def test_filter_keeps_general_rows_that_follow_every_instruction(tmp_path):
    rows = [
        {"prompt": "Tides? Say tide, no commas.", "completion": "<think>Moon.</think> The tide rises.", **IF_ROW},
        {"prompt": "Tides? Say tide, no commas.", "completion": "<think>Moon.</think> Water, rises.", **IF_ROW},
    ]
    src = tmp_path / "general.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "sft.jsonl"
    result = CliRunner().invoke(
        cli, ["filter", str(src), "--recipe", "final-rl-general", "--out", str(out), "--summary", "none"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(kept) == 1 and "The tide rises." in json.dumps(kept[0])
    rejects = [json.loads(line) for line in (tmp_path / "sft.rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == 1 and "instructions" in json.dumps(rejects[0])
