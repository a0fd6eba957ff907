"""Recipes: parsing, validation, routing by domain, gates, pass rules, combining into a reward."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pytest

from r1verify import Engine, Recipe, RecipeError, Sample, Status, Verdict
from r1verify.options import OptionsError, parse_options

TOML = """
description = "gated"
default_domain = "math"
on_error = -1.0
min_reward = 0.5

[verifiers.fmt]
verifier = "behave"
weight = 0.5
required = true

[verifiers.acc]
verifier = "exact_match"
domains = ["math"]
requires = ["fmt"]
timeout = 2.5
options = { delimiter = "</think>" }
"""


def recipe(tmp_path) -> Recipe:
    path = tmp_path / "gated.toml"
    path.write_text(TOML)
    return Recipe.load(path)


def test_toml_is_parsed_into_specs(tmp_path):
    r = recipe(tmp_path)
    assert r.name == "gated" and r.default_domain == "math" and r.on_error == -1.0
    fmt, acc = r.specs
    assert (fmt.name, fmt.verifier, fmt.weight, fmt.required) == ("fmt", "behave", 0.5, True)
    assert (acc.domains, acc.requires, acc.timeout, dict(acc.options)) == (
        ("math",),
        ("fmt",),
        2.5,
        {"delimiter": "</think>"},
    )
    assert r.weights == {"fmt": 0.5, "acc": 1.0}
    assert r.to_toml() == TOML  # printed as written


def test_generated_toml_round_trips():
    r = Recipe.from_verifier_args(["exact_match:weight=2,case_sensitive=true,domains=math|code,as=strict"])
    again = Recipe.from_dict(__import__("tomllib").loads(r.to_toml()), name="cli")
    assert again.specs == r.specs


@pytest.mark.parametrize(
    "text, message",
    [
        ("[verifiers.a]\nverifer = 'x'\n", "unknown key(s) verifer"),
        ("colour = 1\n[verifiers.a]\n", "unknown key(s) colour"),
        ("description = 'none'\n", "needs a [verifiers.NAME] table"),
        ("[verifiers.a]\nrequires = ['b']\n", "requires 'b', which is not in the recipe"),
        ("[verifiers.a]\ntimeout = 0\n", "0 < timeout"),
        ("[verifiers.a]\ntimeout = inf\n", "0 < timeout"),
        ("on_error = nan\n[verifiers.a]\n", "on_error must be a finite number"),
        ("[verifiers.a]\nmin_score = nan\n", "non-finite min_score"),
        ("[verifiers.a]\ndomains = []\n", "domains = []"),
        ("[verifiers.a\n", "invalid TOML"),
    ],
)
def test_bad_recipes_fail_early_with_the_reason(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RecipeError, match=re.escape(message)):
        Recipe.load(path)


def test_bad_verifier_options_fail_when_the_recipe_is_built():
    r = Recipe.from_verifier_args(["exact_match:case_sensitive=maybe"])
    with pytest.raises(RecipeError, match="case_sensitive"):
        r.build()


def test_combine_applies_weights_gates_on_error_and_pass_rules(tmp_path):
    r = recipe(tmp_path)

    def combine(fmt: Verdict, acc: Verdict):
        return r.combine({"fmt": fmt, "acc": acc})

    assert combine(Verdict.correct(), Verdict.correct()) == (1.5, True, {"fmt": 1.0, "acc": 1.0})
    # gate closed: accuracy counts 0 even though correct; fmt is required so the row fails
    assert combine(Verdict.format_error("x"), Verdict.correct()) == (0.0, False, {"fmt": 0.0, "acc": 0.0})
    # a failure contributes on_error, never a silent 0 "wrong"
    assert combine(Verdict.correct(), Verdict.error("boom")) == (0.5 - 1.0, False, {"fmt": 1.0, "acc": -1.0})
    # skipped contributes nothing and passes
    reward, passed, scores = combine(Verdict.correct(), Verdict.skipped("other domain"))
    assert (reward, passed, scores["acc"]) == (0.5, True, None)


def test_min_score_defines_passing_for_score_valued_verifiers():
    r = Recipe.from_dict({"verifiers": {"lang": {"verifier": "exact_match", "required": True, "min_score": 0.9}}})
    assert r.combine({"lang": Verdict.scored(0.95)})[1] is True
    assert r.combine({"lang": Verdict.scored(0.5)})[1] is False


def test_domain_routing_skips_verifiers_for_other_domains(behave_plugin):
    r = Recipe.from_dict(
        {
            "verifiers": {
                "acc": {"verifier": "exact_match", "domains": ["math"]},
                "any": {"verifier": "behave"},
            }
        }
    )
    with Engine(r, workers=1) as engine:
        math, code, unknown = engine.verify(
            [
                Sample("<think>.</think> 1", reference="1", domain="math"),
                Sample("ok", reference="ok", domain="code"),
                Sample("ok", reference="ok"),
            ]
        )
    assert math.verdicts["acc"].status is Status.CORRECT
    assert code.verdicts["acc"].status is Status.SKIPPED and "'code'" in code.verdicts["acc"].reason
    assert code.scores["acc"] is None and code.reward == 1.0
    assert unknown.verdicts["acc"].status is Status.SKIPPED  # no domain and no default_domain


def test_a_domain_in_another_case_is_the_recipes_domain_and_a_misspelt_one_is_refused(behave_plugin):
    """``maths`` (a typo of a domain the recipe routes by) would skip every domain-routed verifier and pass a
    wrong answer on the rest: those verifiers give a setup error with the suggestion instead."""
    r = Recipe.from_dict(
        {
            "verifiers": {
                "acc": {"verifier": "exact_match", "domains": ["math"]},
                "code": {"verifier": "behave", "domains": ["code"]},
                "any": {"verifier": "behave"},
            }
        }
    )
    with Engine(r, workers=1) as engine:
        upper, misspelt = engine.verify(
            [Sample("<think>.</think> 2", reference="1", domain="Math"), Sample("<think>.</think> 2", reference="1",
                                                                               domain="maths")]
        )
    assert upper.verdicts["acc"].status is Status.WRONG and upper.verdicts["code"].status is Status.SKIPPED
    assert not upper.passed
    for name in ("acc", "code"):  # a wrong answer is never passed unjudged
        reason = misspelt.verdicts[name].reason
        assert misspelt.verdicts[name].is_setup_error and "['code', 'math']" in reason and "'math'?" in reason
    assert not misspelt.passed and misspelt.verdicts["any"].status is not Status.ERROR


def test_from_verifier_args_rejects_duplicates_without_a_name():
    with pytest.raises(RecipeError, match="as=OTHER_NAME"):
        Recipe.from_verifier_args(["exact_match", "exact_match"])
    r = Recipe.from_verifier_args(["exact_match", "exact_match:as=strict,case_sensitive=true"])
    assert [s.name for s in r.specs] == ["exact_match", "strict"]


@dataclass(frozen=True)
class Opts:
    n: int = 1
    ratio: float = 0.5
    flag: bool = False
    mode: Literal["a", "b"] = "a"
    tags: tuple[str, ...] = ()
    path: str | None = None


def test_options_are_typed_and_unknown_ones_are_errors():
    o = parse_options(Opts, {"n": "3", "ratio": "0.25", "flag": "yes", "mode": "b", "tags": "x|y", "path": "none"})
    assert (o.n, o.ratio, o.flag, o.mode, o.tags, o.path) == (3, 0.25, True, "b", ("x", "y"), None)
    with pytest.raises(OptionsError, match="unknown option.*nn.*valid options: flag, mode, n, path, ratio, tags"):
        parse_options(Opts, {"nn": 1})
    with pytest.raises(OptionsError, match="mode='c'"):
        parse_options(Opts, {"mode": "c"})
    with pytest.raises(OptionsError, match="n=True"):
        parse_options(Opts, {"n": True})


def test_nan_scores_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        Verdict.scored(float("nan"))


def test_string_options_expand_environment_variables(monkeypatch):
    r = Recipe.from_dict({"verifiers": {"x": {"verifier": "exact_match", "options": {"delimiter": "${DELIM:-</t>}"}}}})
    monkeypatch.delenv("DELIM", raising=False)
    assert r.build()[0][1].options.delimiter == "</t>"
    monkeypatch.setenv("DELIM", "<|end|>")
    assert r.build()[0][1].options.delimiter == "<|end|>"
    needs = Recipe.from_dict({"verifiers": {"x": {"verifier": "exact_match", "options": {"delimiter": "${NOPE_R1V}"}}}})
    with pytest.raises(RecipeError, match="NOPE_R1V is not set; export NOPE_R1V="):
        needs.build()


def test_skip_without_reference_skips_instead_of_failing(behave_plugin):
    r = Recipe.from_verifier_args(["exact_match:required=true,skip_without_reference=true"])
    assert r.specs[0].skip_without_reference
    with Engine(r, workers=1) as engine:
        known, unknown = engine.verify([Sample("<think>.</think> 2", reference="2"), Sample("<think>.</think> 2")])
    assert known.verdicts["exact_match"].status is Status.CORRECT
    assert unknown.verdicts["exact_match"].status is Status.SKIPPED and unknown.passed
    plain = Recipe.from_verifier_args(["exact_match:required=true"])
    with Engine(plain, workers=1) as engine:
        result = engine.verify([Sample("<think>.</think> 2")])[0]
    assert result.verdicts["exact_match"].status is Status.ERROR and not result.passed


@pytest.mark.parametrize("name", ["cold-start", "reasoning-rl", "rejection", "final-rl"])
def test_builtin_stage_recipes_build_with_the_first_party_plugins(name, monkeypatch):
    monkeypatch.setenv("R1VERIFY_HELPFULNESS_RM", "/models/helpful")
    monkeypatch.setenv("R1VERIFY_HARMLESSNESS_RM", "/models/harmless")
    recipe = Recipe.load(name)
    built = dict((spec.name, verifier) for spec, verifier in recipe.build())
    assert recipe.description and recipe.to_toml().startswith("description")
    if name == "final-rl":
        assert built["helpfulness"].options.view == "answer" and built["harmlessness"].options.view == "full"
        assert {s.name: s.domains for s in recipe.specs}["helpfulness"] == ("general",)
    if name == "rejection":
        assert built["overlong"].options.max_length == 65536


def test_final_rl_names_the_missing_reward_model_variable(monkeypatch):
    monkeypatch.delenv("R1VERIFY_HELPFULNESS_RM", raising=False)
    with pytest.raises(RecipeError, match="R1VERIFY_HELPFULNESS_RM is not set"):
        Recipe.load("final-rl").build()


def test_gates_and_failures_combine_as_documented():
    r = Recipe.from_dict(
        {
            "on_error": 0.5,
            "verifiers": {
                "gate": {"verifier": "exact_match"},
                "acc": {"verifier": "exact_match", "requires": ["gate"]},
            },
        }
    )

    def acc(gate: Verdict, verdict: Verdict) -> float | None:
        return r.combine({"gate": gate, "acc": verdict})[2]["acc"]

    assert acc(Verdict.wrong("no"), Verdict.error("boom")) == 0.0  # a closed gate wins over a failure
    assert acc(Verdict.timeout("slow"), Verdict.correct()) == 0.5  # a failed gate is no judgement: on_error
    assert acc(Verdict.correct(), Verdict.error("boom")) == 0.5
    assert acc(Verdict.correct(), Verdict.correct()) == 1.0


def test_env_expansion_follows_the_shell(monkeypatch):
    from r1verify.recipe_parsing import expand_env as _expand_env

    monkeypatch.setenv("EMPTY_R1V", "")
    assert _expand_env("${EMPTY_R1V:-fallback}", "x") == "fallback"
    assert _expand_env("${EMPTY_R1V}", "x") == ""
    with pytest.raises(RecipeError, match="only"):
        _expand_env("${EMPTY_R1V-fallback}", "x")


def test_spec_names_that_are_not_bare_keys_round_trip_through_toml():
    r = Recipe.from_verifier_args(["exact_match:as=acc.v2"])
    import tomllib

    assert Recipe.from_dict(tomllib.loads(r.to_toml())).specs[0].name == "acc.v2"


def test_a_registered_name_is_not_mistaken_for_a_file_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rejection").write_text("not toml")
    assert Recipe.load("rejection").name == "rejection"
