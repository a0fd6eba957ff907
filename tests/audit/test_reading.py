"""Reading rollouts: the columns of trainers' logs, --map, per-step folders, results files and bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from r1verify.audit import RolloutColumns, read_rollouts
from r1verify.io import InputError, InvalidRow


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def read(paths, maps=(), **kw):
    stream, total = read_rollouts(paths, RolloutColumns.parse(maps), **kw)
    return list(stream), total


def test_verl_dump_folder_in_step_order_with_map(tmp_path):
    folder = tmp_path / "rollout_data"
    folder.mkdir()
    for step in (10, 2, 1):
        write_jsonl(
            folder / f"{step}.jsonl",
            [{"input": f"q{step}", "output": "<think>x</think> 1", "gts": "1", "score": 1.0, "step": step}],
        )
    rows, total = read([str(folder)], ["prompt=input", "completion=output", "reference=gts", "reward=score"])
    assert [r.step for r in rows] == [1, 2, 10] and total == 3
    assert rows[0].prompt == "q1" and rows[0].reference == "1" and rows[0].reward == 1.0 and rows[0].group == "q1"


def test_trl_parquet_with_chat_messages_and_summed_reward_columns(tmp_path):
    table = pa.table(
        {
            "step": [5, 5],
            "prompt": [[{"role": "user", "content": "2+2?"}]] * 2,
            "completion": [[{"role": "assistant", "content": "<think>2+2</think> 4"}]] * 2,
            "accuracy_reward": [1.0, 0.0],
            "format_reward": [1.0, 1.0],
            "advantage": [0.5, -0.5],
        }
    )
    pq.write_table(table, tmp_path / "completions_00005.parquet")
    rows, _ = read([str(tmp_path)], ["reward=accuracy_reward+format_reward"])
    assert [r.reward for r in rows] == [2.0, 1.0]
    rows, _ = read([str(tmp_path)], ["reward=accuracy_reward + 0.2*format_reward"])
    assert [r.reward for r in rows] == [1.2, 0.2]
    with pytest.raises(InputError, match="'x\\*format_reward' is not COLUMN or WEIGHT\\*COLUMN"):
        RolloutColumns.parse(["reward=accuracy_reward+x*format_reward"])
    assert rows[0].prompt == "2+2?" and rows[0].completion == "<think>2+2</think> 4" and rows[0].step == 5


def test_results_file_keeps_verdicts_and_whether_the_answer_was_paid(tmp_path):
    verdicts = {"accuracy": {"status": "wrong"}, "format": {"status": "correct"}, "code": {"status": "skipped"}}
    path = write_jsonl(
        tmp_path / "scored.jsonl",
        [{"id": "m-1", "prompt": "p", "completion": "c", "reward": 0.2, "passed": False, "verdicts": verdicts}],
    )
    [r], _ = read([path])
    assert r.verdicts == verdicts and r.paid_for_answer is False and r.id == "m-1"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"prompt": "p", "completion": "c"}, "reward", "missing; map the reward with --map reward=COLUMN"),
        ({"prompt": "p", "completion": "c", "reward": "high"}, "reward", "expected a finite number, got 'high'"),
        ({"prompt": "p", "completion": "c", "reward": True}, "reward", "expected a finite number"),
        ({"prompt": "p", "completion": "c", "reward": 1, "step": "ten"}, "step", "expected a whole step number"),
        ({"prompt": "p", "reward": 1}, "completion", "missing"),
    ],
)
def test_a_bad_row_names_file_line_and_field(tmp_path, row, field, message):
    path = write_jsonl(tmp_path / "r.jsonl", [{"prompt": "p", "completion": "c", "reward": 1}, row])
    with pytest.raises(InvalidRow) as info:
        read([path])
    assert info.value.where == f"{path}:2" and info.value.field == field and message in info.value.message


def test_skip_invalid_counts_bad_rows_and_keeps_indices_dense(tmp_path):
    rows = [{"completion": "a", "reward": 1}, {"completion": "b"}, "not json", {"completion": "c", "reward": 0}]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    skipped: list[str] = []
    got, _ = read([str(path)], skip_invalid=True, skipped=skipped)
    assert [r.completion for r in got] == ["a", "c"] and [r.index for r in got] == [0, 1]
    assert len(skipped) == 2 and skipped[0].startswith(f"{path}:2: field 'reward'") and f"{path}:3" in skipped[1]


def test_map_rejects_unknown_fields_and_lists_the_audit_ones():
    with pytest.raises(InputError, match="prompt, completion, reference, domain, reward, step, group or id"):
        RolloutColumns.parse(["answer=x"])
    cols = RolloutColumns.parse(["group=uid", "id=uid", "completion=response"])
    assert (cols.group, cols.id, cols.columns.completion) == ("uid", "uid", "response")


def test_a_folder_without_rollout_files_is_an_input_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="no .jsonl or .parquet files"):
        read([str(tmp_path)])


def test_the_openrlhf_logging_reward_function_writes_what_audit_reads(tmp_path, monkeypatch):
    import importlib.util

    inner = tmp_path / "reward_func.py"
    inner.write_text(
        "def reward_func(queries, prompts, labels, **kw):\n    return {'rewards': [1.0 if '42' in q else 0.0 for q in queries]}\n"
    )
    monkeypatch.setenv("R1VERIFY_INNER_REWARD_FUNC", str(inner))
    monkeypatch.setenv("R1VERIFY_ROLLOUT_LOG", str(tmp_path / "log"))
    path = Path(__file__).resolve().parents[2] / "examples" / "audit" / "openrlhf_logged_reward_func.py"
    spec = importlib.util.spec_from_file_location("logged", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.reward_func(
        ["Q: 6*7? <think>6*7</think> \\boxed{42}", "Q: 6*7? 41"], ["Q: 6*7? ", "Q: 6*7? "], ["42", "42"]
    )
    assert out == {"rewards": [1.0, 0.0]}
    module.reward_func(["Q: 1+1? 2"], ["Q: 1+1? "], ["2"])
    rows, _ = read([str(tmp_path / "log")], ["completion=response", "reference=label", "step=call"])
    assert [(r.completion, r.reward, r.step, r.reference) for r in rows] == [
        ("<think>6*7</think> \\boxed{42}", 1.0, 0, "42"),
        ("41", 0.0, 0, "42"),
        ("2", 0.0, 1, "2"),
    ]


def test_a_saved_hugging_face_dataset_is_read_as_one(tmp_path):
    datasets = pytest.importorskip("datasets")
    rows = {"prompt": ["2+2?", "3+3?"], "completion": ["4", "6"], "reward": [1.0, 0.0], "step": [1, 1]}
    datasets.Dataset.from_dict(rows).save_to_disk(str(tmp_path / "ds"))
    got, total = read([str(tmp_path / "ds")])
    assert total == 2 and [(r.prompt, r.completion, r.reward, r.where) for r in got] == [
        ("2+2?", "4", 1.0, f"{tmp_path / 'ds'}:row 1"),
        ("3+3?", "6", 0.0, f"{tmp_path / 'ds'}:row 2"),
    ]
