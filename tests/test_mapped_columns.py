"""A column named with ``--map FIELD=COLUMN`` must be in every row (tour finding 2), and a UTF-8 byte-order mark
at the start of a file is read past (tour finding 7).

A mapped prompt/reference/domain column that a row lacks used to be read as "no prompt / no reference / no
domain": exit 0 with every row ``error`` ("the sample has no reference") or code rows routed to math. Now the row
is bad, like a missing completion column: exit 2 naming file:line, the column, the --map that named it, the fix and
the row's columns; the rows before it are written, and --skip-invalid counts it. Columns that were not mapped
(the default ``prompt``, ``domain``, the reference aliases) stay optional.
"""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli
from r1verify.engine import Engine
from r1verify.io import ColumnMap, InputError, InvalidRow, Row, _jsonl_rows, open_rows, to_sample
from r1verify.pipeline import VerifyStream
from r1verify.plugins import load_plugins, pm
from r1verify.recipe import Recipe

ROWS = [
    {"id": 0, "q": "1+1?", "kind": "text", "completion": "2", "gold": "2"},
    {"id": 1, "q": "2+2?", "kind": "text", "completion": "4", "gold": "4"},
]
LAST = {"id": 3, "q": "3+3?", "kind": "text", "completion": "6", "gold": "6"}
# what the third row holds besides the column the test leaves out
THIRD = {"id": 2, "q": "5+5?", "kind": "text", "completion": "10", "gold": "10"}
FIELDS = {"prompt": "q", "reference": "gold", "domain": "kind"}
COMMANDS = ["verify", "filter", "reject"]


def run(*args: object, input: bytes | None = None):
    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def maps() -> list[str]:
    return [arg for field, column in FIELDS.items() for arg in ("--map", f"{field}={column}")]


@pytest.fixture(scope="module")
def recipe(tmp_path_factory) -> Path:
    """exact_match, required, for the domain "text" only: the good rows pass, so filter and reject keep them."""
    path = tmp_path_factory.mktemp("recipe") / "exact.toml"
    path.write_text('name = "exact"\n[verifiers.exact_match]\nrequired = true\ndomains = ["text"]\n')
    return path


def command_args(command: str, src: Path, out: Path, recipe: Path) -> list[object]:
    extra = ["--group-by", "id"] if command == "reject" else []
    return [command, src, "--recipe", recipe, *maps(), "--out", out, "--workers", 1, "--summary", "none", *extra]


def kept(command: str, out: Path) -> list[str]:
    if not out.exists():
        return []
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [r["completion"] if command == "verify" else r["messages"][-1]["content"] for r in rows]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_mapped_column_missing_from_a_row_exits_2_and_keeps_the_rows_before(tmp_path, recipe, command, field):
    column = FIELDS[field]
    third = {k: v for k, v in THIRD.items() if k != column}
    src = write_jsonl(tmp_path / "in.jsonl", [*ROWS, third, LAST])
    out = tmp_path / "out.jsonl"
    result = run(*command_args(command, src, out, recipe))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    columns = ", ".join(third)
    for fragment in [
        f"{src}:3: field {column!r}: missing",  # file:line and the column
        f"--map {field}={column}",  # the --map that named it
        f"map another column with --map {field}=COLUMN",  # the fix
        f"(columns: {columns})",  # the columns the row has
        "2 rows before it were verified",
        "--skip-invalid",
    ]:
        assert fragment in result.stderr, result.stderr
    assert kept(command, out) == [r["completion"] for r in ROWS]


@pytest.mark.parametrize("command", COMMANDS)
def test_skip_invalid_counts_a_row_without_the_mapped_column(tmp_path, recipe, command):
    third = {k: v for k, v in THIRD.items() if k != "gold"}
    src = write_jsonl(tmp_path / "in.jsonl", [*ROWS, third, LAST])
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = run(*command_args(command, src, out, recipe), "--skip-invalid", "--summary-json", summary)
    assert result.exit_code == 0, result.output
    assert kept(command, out) == [r["completion"] for r in [*ROWS, LAST]]
    data = json.loads(summary.read_text())
    assert data["skipped_invalid_rows"] == 1
    assert data["first_invalid_rows"] == [
        f"{src}:3: field 'gold': missing (mapped by --map reference=gold); map another column with"
        f" --map reference=COLUMN (columns: id, q, kind, completion)"
    ]


def test_the_tour_commands_no_longer_pass_silently(tmp_path):
    """Tour finding 2: a typo in --map reference= / --map domain= on the first row (columns listed)."""
    src = write_jsonl(
        tmp_path / "mix2.jsonl",
        [
            {"id": 1, "domain": "math", "prompt": "1+1?", "completion": "2", "answer": "2"},
            {"id": 2, "domain": "code", "prompt": "p", "completion": "c", "answer": "x"},
        ],
    )
    for pair in ("reference=nosuch", "domain=dom", "prompt=question"):
        result = run("verify", src, "-v", "exact_match", "--map", pair, "--out", tmp_path / "x.jsonl",
                     "--workers", 1, "--summary", "none")  # fmt: skip
        field, column = pair.split("=")
        assert result.exit_code == 2, result.output
        assert f"{src}:1: field {column!r}: missing (mapped by --map {pair})" in result.stderr
        assert "(columns: id, domain, prompt, completion, answer)" in result.stderr


def test_an_unmapped_missing_reference_is_as_before(tmp_path):
    """Regression: without --map the reference, prompt and domain columns are optional; a row without any of
    them is verified (exact_match says there is no reference), exit 0."""
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": "2"}, {"completion": "4", "answer": "4"}])
    out = tmp_path / "out.jsonl"
    result = run("verify", src, "-v", "exact_match", "--out", out, "--workers", 1, "--summary", "none")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["verdicts"]["exact_match"]["status"] for r in rows] == ["error", "correct"]
    assert "no reference" in rows[0]["verdicts"]["exact_match"]["reason"]


def test_a_mapped_column_present_with_null_is_not_missing(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": "2", "gold": None}, {"completion": "4", "gold": "4"}])
    out = tmp_path / "out.jsonl"
    result = run("verify", src, "-v", "exact_match", "--map", "reference=gold", "--out", out, "--workers", 1,
                 "--summary", "none")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["verdicts"]["exact_match"]["status"] for r in rows] == ["error", "correct"]


# ------------------------------------------------------------------ the Python API


def test_column_map_knows_what_was_mapped():
    assert ColumnMap().mapped() == []
    assert ColumnMap.parse(["reference=gold", "completion=response"]).mapped() == ["completion", "reference"]
    assert ColumnMap.parse(["domain=domain"]).mapped() == ["domain"]  # the default name, but named explicitly
    assert ColumnMap(prompt="question", reference="gold").mapped() == ["prompt", "reference"]  # built in Python
    cmap = ColumnMap.parse(["domain=domain", "reference=gold"])
    assert pickle.loads(pickle.dumps(cmap)).mapped() == ["reference", "domain"]  # Ray ships it pickled
    # the sharded backend's job key is asdict(columns): unchanged by the bookkeeping
    assert dataclasses.asdict(cmap) == {
        "prompt": "prompt",
        "completion": "completion",
        "reference": "gold",
        "domain": "domain",
        "extra": {},
    }


def test_to_sample_raises_for_a_mapped_column_only():
    row = Row("f.jsonl:4", {"completion": "x", "answer": "1"})
    assert to_sample(row, ColumnMap()).reference == "1"
    with pytest.raises(InvalidRow) as info:
        to_sample(row, ColumnMap(reference="gold"))
    assert info.value.where == "f.jsonl:4" and info.value.field == "gold"
    assert "--map reference=COLUMN (columns: completion, answer)" in str(info.value)
    with pytest.raises(InvalidRow, match="field 'domain': missing"):
        to_sample(row, ColumnMap.parse(["domain=domain"]))
    # the missing completion keeps its own message (it is required, mapped or not)
    with pytest.raises(InvalidRow, match="field 'completion': missing; map another column"):
        to_sample(Row("f.jsonl:5", {"gold": "1"}), ColumnMap(reference="gold"))


def test_verify_stream_yields_the_rows_before_a_row_without_the_mapped_column():
    rows = [Row(f"f:{i}", {"completion": str(i), "gold": str(i)}) for i in (1, 2)] + [Row("f:3", {"completion": "3"})]
    with Engine(Recipe.from_verifier_args(["exact_match"]), workers=1) as engine:
        stream = VerifyStream(engine, ColumnMap(reference="gold"))
        got = []
        with pytest.raises(InvalidRow, match="f:3: field 'gold'"):
            for item in stream.run(iter(rows)):
                got.append(item.result.passed)
        assert got == [True, True]
        skipping = VerifyStream(engine, ColumnMap(reference="gold"), skip_invalid=True)
        assert len(list(skipping.run(iter(rows)))) == 2 and len(skipping.skipped) == 1


# ------------------------------------------------------------------ byte-order mark (tour finding 7)

BOM = b"\xef\xbb\xbf"


def test_a_jsonl_file_with_a_bom_is_read(tmp_path):
    src = tmp_path / "bom.jsonl"
    src.write_bytes(BOM + b"".join(json.dumps(r).encode() + b"\n" for r in ROWS))
    out = tmp_path / "out.jsonl"
    result = run("verify", src, "-v", "exact_match", "--map", "reference=gold", "--out", out, "--workers", 1,
                 "--summary", "none")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [0, 1] and all(r["passed"] for r in rows)
    assert list(rows[0])[0] == "id"  # the first key is not "\ufeffid" nor mangled


def test_stdin_with_a_bom_is_read(tmp_path):
    out = tmp_path / "out.jsonl"
    data = BOM + json.dumps(ROWS[0]).encode() + b"\n"
    result = run("verify", "-", "-v", "exact_match", "--map", "reference=gold", "--out", out, "--workers", 1,
                 "--summary", "none", input=data)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["passed"] is True


def test_a_json_file_with_a_bom_is_read(tmp_path):
    src = tmp_path / "bom.json"
    src.write_bytes(BOM + json.dumps(ROWS).encode())
    rows, count = open_rows(src)
    assert count == 2 and [r.data["id"] for r in rows] == [0, 1]
    bad = tmp_path / "bad.json"
    bad.write_bytes(BOM + b'[{"a": "\xff"}]')
    with pytest.raises(InputError, match=r"bad.json:1: not valid UTF-8 \(byte 11 of the file\)"):
        open_rows(bad)


def test_a_bom_at_the_start_of_a_later_line_is_read_past_too():
    """`cat a.jsonl b.jsonl` of two files saved with a BOM; and a shard that starts at that line reads the same."""
    data = BOM + b'{"a": 1}\n' + BOM + b'{"a": 2}\n'
    rows = list(_jsonl_rows(io.BytesIO(data), "f"))
    assert [(r.where, r.data, r.error) for r in rows] == [("f:1", {"a": 1}, None), ("f:2", {"a": 2}, None)]


def test_a_file_of_only_a_bom_and_blank_lines_is_empty(tmp_path):
    src = tmp_path / "blank.jsonl"
    src.write_bytes(BOM + b"\n\n")
    with pytest.raises(InputError, match="only blank lines"):
        open_rows(src)
