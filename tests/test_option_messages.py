"""Recipe and -v/-r mistakes exit 2 with a message that names the key and says what to write instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify import Recipe, RecipeError
from r1verify.cli import cli
from r1verify.options import coerce

ROW = {"prompt": "1+1?", "completion": "<think>two</think> \\boxed{2}", "answer": "2"}


def verify(tmp_path: Path, *args: str):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ROW) + "\n")
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(cli, ["verify", str(src), "--out", str(out), *args], catch_exceptions=False)
    return result, out


def error_of(tmp_path: Path, *args: str) -> str:
    result, out = verify(tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert not out.exists() or not out.read_text()
    return result.stderr


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("exact_match:weight=x", "[verifiers.exact_match]: weight = 'x': expected a number"),
        ("exact_match:timeout=abc", "[verifiers.exact_match]: timeout = 'abc': expected a number"),
        ("exact_match:min_score=y", "[verifiers.exact_match]: min_score = 'y': expected a number"),
        ("exact_match:required=maybe", "[verifiers.exact_match]: required = 'maybe': expected true/false"),
    ],
)
def test_a_bad_number_on_the_command_line_names_the_key(tmp_path, spec, expected):
    stderr = error_of(tmp_path, "-v", spec)
    assert expected in stderr
    assert "could not convert" not in stderr


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('[verifiers.acc]\nverifier = "exact_match"\nweight = "x"\n', "bad.toml: [verifiers.acc]: weight = 'x'"),
        ('[verifiers.acc]\nverifier = "exact_match"\ntimeout = "abc"\n', "[verifiers.acc]: timeout = 'abc'"),
        ('[verifiers.acc]\nverifier = "exact_match"\nweight = true\n', "[verifiers.acc]: weight = True"),
        ('on_error = "x"\n[verifiers.acc]\nverifier = "exact_match"\n', "bad.toml: on_error = 'x'"),
        ('min_reward = "x"\n[verifiers.acc]\nverifier = "exact_match"\n', "bad.toml: min_reward = 'x'"),
    ],
)
def test_a_bad_number_in_a_toml_recipe_names_the_key(tmp_path, lines, expected):
    recipe = tmp_path / "bad.toml"
    recipe.write_text(lines)
    stderr = error_of(tmp_path, "-r", str(recipe))
    assert expected in stderr and "expected a number" in stderr
    assert "could not convert" not in stderr


def test_good_numbers_still_parse():
    recipe = Recipe.from_verifier_args(["exact_match:weight=0.5,timeout=3,min_score=1"])
    spec = recipe.specs[0]
    assert (spec.weight, spec.timeout, spec.min_score) == (0.5, 3.0, 1.0)
    recipe = Recipe.from_dict({"on_error": -1, "min_reward": 0, "verifiers": {"a": {"verifier": "exact_match",
                                                                                    "weight": 2}}})
    assert (recipe.on_error, recipe.min_reward, recipe.specs[0].weight) == (-1.0, 0.0, 2.0)


def test_an_impossible_timeout_names_the_recipe_once(tmp_path):
    stderr = error_of(tmp_path, "-v", "exact_match:timeout=0")
    assert "recipe 'cli': verifier 'exact_match' needs 0 < timeout <= 86400 seconds" in stderr
    assert stderr.count("recipe 'cli'") == 1
    recipe = tmp_path / "bad_to.toml"
    recipe.write_text('[verifiers.acc]\nverifier = "exact_match"\ntimeout = 0\n')
    stderr = error_of(tmp_path, "-r", str(recipe))
    assert f"{recipe}: recipe 'bad_to': verifier 'acc' needs 0 < timeout" in stderr


def test_a_comma_separated_list_value_says_to_use_a_pipe(tmp_path):
    stderr = error_of(tmp_path, "-v", "math:fallbacks=answer_is,last_line")
    assert "expected k=v, got 'last_line'" in stderr
    assert "list values are separated with '|'" in stderr and "fallbacks=answer_is|last_line" in stderr
    with pytest.raises(RecipeError) as exc:  # a first piece without '=' is not a list: no list hint
        Recipe.from_verifier_args(["math:strict"])
    assert "expected k=v, got 'strict'" in str(exc.value) and "|" not in str(exc.value)


def test_the_pipe_spelling_of_a_list_works():
    recipe = Recipe.from_verifier_args(["math:fallbacks=answer_is|last_line"])
    assert recipe.specs[0].options == {"fallbacks": "answer_is|last_line"}


def test_a_fractional_int_option_says_whole_number(tmp_path):
    stderr = error_of(tmp_path, "-v", "math:max_answer_chars=1e3")
    assert "option max_answer_chars='1e3': expected a whole number" in stderr
    assert "invalid literal" not in stderr


def test_coerce_messages():
    with pytest.raises(ValueError, match="^expected a whole number$"):
        coerce("2.5", int)
    with pytest.raises(ValueError, match="^expected a number$"):
        coerce("abc", float)
    assert coerce("12", int) == 12 and coerce("1e3", float) == 1000.0


def test_a_folder_given_as_recipe_says_it_is_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    stderr = error_of(tmp_path, "-r", "adir")
    assert "recipe 'adir' is a folder, not a recipe .toml file" in stderr
    (tmp_path / "adir" / "mine.toml").write_text('[verifiers.a]\nverifier = "exact_match"\n')
    stderr = error_of(tmp_path, "-r", "adir")
    assert "is a folder, not a recipe .toml file (it holds mine.toml)" in stderr and "adir/mine.toml" in stderr
    stderr = error_of(tmp_path, "-r", "adir/")
    assert "is a folder, not a recipe .toml file" in stderr


def test_a_verifier_name_given_as_recipe_suggests_v(tmp_path):
    stderr = error_of(tmp_path, "-r", "exact_match")
    assert "'exact_match' is a verifier, not a recipe" in stderr and "-v exact_match" in stderr
    stderr = error_of(tmp_path, "-r", "nope_not_anything")
    assert "no recipe named 'nope_not_anything'" in stderr and "is a verifier" not in stderr


def test_the_missing_option_message_quoted_in_failures_md(tmp_path):
    pytest.importorskip("r1verify_judge")
    stderr = error_of(tmp_path, "-v", "llm_judge")
    quoted = ("verifier 'llm_judge': missing required option(s) endpoint, model:\ngive them in the recipe's table, "
              "or on the command line as -v NAME:endpoint=...,model=...")
    assert quoted.replace("\n", " ") in stderr
    doc = (Path(__file__).parents[1] / "docs" / "failures.md").read_text()
    assert quoted in doc
