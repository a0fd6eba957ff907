"""Results -> OpenRLHF rewards (scores for dynamic filtering, fixed extra-log keys) and the generated files."""

from __future__ import annotations

import pytest
from r1verify_openrlhf.generate import FileSettings, agent_source, embedded_recipe, reward_func_source
from r1verify_openrlhf.rewards import RewardMapper, openrlhf_payload

from r1verify import Recipe, Result, Verdict


def result(recipe: Recipe, **verdicts: Verdict) -> Result:
    reward, passed, scores = recipe.combine(verdicts)
    return Result(reward, passed, dict(verdicts), scores)


def recipe(**extra) -> Recipe:
    return Recipe.from_dict(
        {"verifiers": {"acc": {"verifier": "exact_match", **extra}, "fmt": {"verifier": "exact_match", "weight": 0.2}}}
    )


def test_score_is_pass_fail_when_the_recipe_has_a_pass_criterion():
    r = recipe(required=True)
    mapper = RewardMapper(r)
    right = mapper.from_result(result(r, acc=Verdict.correct(), fmt=Verdict.correct()))
    format_only = mapper.from_result(result(r, acc=Verdict.wrong(), fmt=Verdict.correct()))
    assert (right.reward, right.score) == (1.2, 1.0)
    assert (format_only.reward, format_only.score) == (0.2, 0.0)  # a format bonus alone is not a solved sample


def test_without_a_criterion_score_is_the_reward_scaled_to_0_1():
    r = recipe()
    mapper = RewardMapper(r)
    info = mapper.from_result(result(r, acc=Verdict.wrong(), fmt=Verdict.correct()))
    assert info.score == pytest.approx(0.2 / 1.2)
    r2 = Recipe.from_dict({"verifiers": {"acc": {"verifier": "exact_match"}}, "min_reward": 0.5})
    assert RewardMapper(r2).from_result(result(r2, acc=Verdict.correct())).score == 1.0


def test_extra_logs_have_the_same_keys_for_every_outcome():
    r = recipe(required=True)
    mapper = RewardMapper(r)
    infos = [
        mapper.from_result(result(r, acc=Verdict.correct(), fmt=Verdict.skipped("other domain"))),
        mapper.from_result(result(r, acc=Verdict.timeout("too slow"), fmt=Verdict.error("boom"))),
        mapper.failure("bad input"),
        mapper.failure("late", timeout=True),
    ]
    assert all(tuple(i.logs) == mapper.keys for i in infos)
    assert all(isinstance(v, float) for i in infos for v in i.logs.values())
    assert [i.logs["r1verify/error"] for i in infos] == [0.0, 1.0, 1.0, 1.0]
    assert [i.logs["r1verify/timeout"] for i in infos] == [0.0, 1.0, 0.0, 1.0]
    assert infos[0].logs["r1verify/fmt"] == 0.0  # skipped counts as 0 in logs
    assert infos[1].error == "acc: timeout: too slow"
    payload = openrlhf_payload(infos, mapper.keys, tensors=False)
    assert payload["extra_logs"]["r1verify/error"] == [0.0, 1.0, 1.0, 1.0] and payload["errors"][2] == "bad input"
    tensors = openrlhf_payload(infos, mapper.keys, tensors=True)
    assert tensors["rewards"].shape == (4,) and tensors["extra_logs"]["r1verify/acc"].shape == (4,)


def test_error_reward_must_be_finite():
    with pytest.raises(ValueError, match="finite"):
        RewardMapper(recipe(), error_reward=float("nan"))


TRICKY = """description = "quotes ''' and backslashes \\\\boxed and \\"x\\""
[verifiers.acc]
verifier = "exact_match"
options = { delimiter = "\\\\boxed" }
"""


@pytest.mark.parametrize("text", [TRICKY, TRICKY.replace("'''", "'"), TRICKY + "# ends with a backslash \\"])
def test_generated_files_embed_the_recipe_exactly(text):
    r = Recipe.from_dict(__import__("tomllib").loads(text), name="tricky", source=text)
    for source in (reward_func_source(r, FileSettings()), agent_source(r, FileSettings(), max_turns=2)):
        namespace: dict = {}
        code = source.split("RECIPE_TOML = ", 1)[1].split("\n\n", 1)[0]
        exec("RECIPE_TOML = " + code, namespace)  # noqa: S102 - our own generated literal
        again = embedded_recipe(namespace["RECIPE_TOML"], "tricky")
        assert again.specs == r.specs and again.description == r.description
        compile(source, "generated.py", "exec")
