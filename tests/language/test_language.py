"""The language verifier on pure, mixed and short texts; target resolution; determinism."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest
from r1verify_language import LanguageConsistency
from r1verify_language.words import words

from r1verify import OptionsError, Sample, Status

FRENCH = ("Nous devons d'abord calculer la somme des termes de la suite, puis diviser le résultat par le nombre "
          "de termes afin d'obtenir la moyenne demandée dans l'énoncé du problème.")  # fmt: skip


def judge(reasoning: str, language: str | None = "en", prompt=None, **options):
    meta = {"language": language} if language else {}
    return LanguageConsistency(**options).verify(Sample(f"<think>{reasoning}</think> 42", prompt=prompt, meta=meta))


def n_words(text: str) -> int:
    return len(words(text))


# ---------------------------------------------------------------- pure texts
def test_pure_english_math_solutions_are_english(english):
    for solution in english:
        verdict = judge(solution, "en")
        assert verdict.status is Status.SCORED
        assert verdict.score >= 0.97, (verdict.details, solution[:200])
    assert sum(judge(s, "en").score for s in english) / len(english) >= 0.995


def test_pure_chinese_problems_are_chinese(chinese):
    text = "".join(chinese)
    verdict = judge(text, "zh")
    assert verdict.score == 1.0 and verdict.details["proportions"] == {"zh": 1.0}
    assert verdict.details["words"] == n_words(text)
    assert judge(text, "en").score == 0.0


def test_other_scripts_take_the_fast_path():
    assert judge("Это простое решение задачи о треугольнике и его углах.", "ru").score == 1.0
    assert judge("이 문제는 삼각형의 넓이를 구하는 문제입니다.", "ko").score == 1.0
    assert judge("Η απάντηση είναι πέντε.", "el").score == 1.0
    assert judge("これは三角形の問題です。", "ja").score == 1.0
    assert judge("これは三角形の問題です。", "zh").score == 0.0  # kana makes it Japanese
    assert judge("三角形面积", "ja").score == 1.0  # Han without kana: the target keeps the benefit of the doubt
    assert judge("三角形面积", "en").details["proportions"] == {"zh": 1.0}


# ---------------------------------------------------------------- mixed texts
def test_a_200_character_chinese_insert_in_english_reasoning_is_seen(english, chinese):
    insert = "".join(chinese)[:200]
    base = english[0] + " " + english[1]
    half = len(base) // 2
    cut = base.rfind(". ", 0, half) + 2
    mixed = base[:cut] + insert + " " + base[cut:]
    verdict = judge(mixed, "en")
    expected = n_words(base) / (n_words(base) + n_words(insert))
    assert verdict.score == pytest.approx(expected, abs=0.01)
    assert set(verdict.details["proportions"]) == {"en", "zh"}
    assert verdict.details["proportions"]["zh"] == pytest.approx(1 - expected, abs=0.01)
    assert verdict.score < 0.8


def test_english_inserts_in_chinese_reasoning(english, chinese):
    zh = "".join(chinese)
    sentence = "Let me double check the arithmetic before writing the final answer down."
    verdict = judge(zh[:150] + sentence + zh[150:], "zh")
    assert verdict.score == pytest.approx(n_words(zh) / (n_words(zh) + 12))
    assert verdict.details["proportions"]["en"] == pytest.approx(12 / (n_words(zh) + 12), abs=1e-4)


def test_same_script_french_paragraph_in_english_reasoning_is_seen(english):
    text = english[0] + " " + FRENCH + " " + english[1]
    verdict = judge(text, "en")
    french_share = n_words(FRENCH) / n_words(text)
    assert verdict.details["proportions"].get("fr", 0) == pytest.approx(french_share, abs=0.02)
    assert judge(FRENCH, "fr").score == 1.0


def test_chinese_reasoning_with_english_terms_counts_them():
    verdict = judge("我们用Python计算这个函数的导数。", "zh")
    assert verdict.score == pytest.approx(12 / 13)  # 12 characters and one Latin word
    assert verdict.details["proportions"]["en"] == pytest.approx(1 / 13, abs=1e-4)


# ---------------------------------------------------------------- short texts
@pytest.mark.parametrize(
    ("reasoning", "target", "score"),
    [("OK, so the answer is 5.", "en", 1.0), ("Setting we get so", "en", 1.0), ("好的", "zh", 1.0),
     ("好的", "en", 0.0), ("OK", "zh", 0.0), ("Donc la réponse est cinq.", "en", 0.0)],
)  # fmt: skip
def test_short_texts(reasoning, target, score):
    assert judge(reasoning, target).score == score


@pytest.mark.parametrize("reasoning", ["", "   ", "$x^2 = 4$, $x = 2$.", "```\ncode\n```", "1 + 1 = 2"])
def test_no_words_is_no_answer_not_a_free_reward(reasoning):
    verdict = judge(reasoning, "en")
    assert verdict.status is Status.NO_ANSWER and verdict.score == 0.0 and "no words" in verdict.reason


# ---------------------------------------------------------------- what is judged
def test_parts():
    completion = "<think>我们先计算。</think>The answer is five."
    sample = Sample(completion, meta={"language": "en"})
    assert LanguageConsistency().verify(sample).score == 0.0
    assert LanguageConsistency(part="answer").verify(sample).score == 1.0
    assert LanguageConsistency(part="completion").verify(sample).score == pytest.approx(4 / 9)
    truncated = Sample("<think>we keep thinking and never stop", meta={"language": "en"})
    assert LanguageConsistency().verify(truncated).score == 1.0  # no </think>: all of it is reasoning
    assert LanguageConsistency(part="answer").verify(truncated).status is Status.NO_ANSWER
    custom = Sample("<r>我们</r>answer", meta={"language": "zh"})
    assert LanguageConsistency(think_tag="r").verify(custom).score == 1.0


# ---------------------------------------------------------------- the target language
def test_meta_language_wins_over_the_prompt_and_option():
    verdict = LanguageConsistency(language="fr").verify(
        Sample("<think>我们</think>", prompt="Solve this.", meta={"language": "zh-CN"})
    )
    assert verdict.details["target"] == "zh" and verdict.details["target_from"] == "meta.language"


def test_target_from_the_prompt(chinese):
    v = LanguageConsistency()
    zh_prompt = [{"role": "system", "content": "You are a helpful assistant. Think step by step."},
                 {"role": "user", "content": chinese[0]}]  # fmt: skip
    verdict = v.verify(Sample("<think>我们计算一下。</think>9", prompt=zh_prompt))
    assert verdict.details["target"] == "zh" and verdict.details["target_from"] == "prompt" and verdict.score == 1.0
    en = v.verify(Sample("<think>我们计算一下。</think>9", prompt="How many divisors does 196 have?"))
    assert en.details["target"] == "en" and en.score == 0.0
    short = v.verify(Sample("<think>Easy.</think>4", prompt="Compute $2+2$."))
    assert short.details["target"] == "en"


def test_target_from_the_option_when_there_is_no_prompt_language():
    v = LanguageConsistency(language="Chinese")
    verdict = v.verify(Sample("<think>我们</think>", prompt="$1+1$"))
    assert verdict.details["target"] == "zh" and verdict.details["target_from"] == "option"
    assert (
        LanguageConsistency(language="zh", detect_prompt=False)
        .verify(Sample("<think>We</think>", prompt="你好"))
        .details["target_from"]
        == "option"
    )


def test_no_target_is_an_error_that_names_the_fix():
    verdict = LanguageConsistency().verify(Sample("<think>hello there</think>"))
    assert (
        verdict.status is Status.ERROR and "meta.language" in verdict.reason and "'language' option" in verdict.reason
    )
    bad = LanguageConsistency().verify(Sample("<think>hi</think>", meta={"language": "Klingonese"}))
    assert bad.status is Status.ERROR and "ISO 639-1" in bad.reason


@pytest.mark.parametrize("bad", [{"language": "Klingonese"}, {"min_words": 0}, {"margin": -1}, {"think_tag": "<think>"},
                                 {"detector": "magic"}, {"part": "all"}])  # fmt: skip
def test_bad_options(bad):
    with pytest.raises(OptionsError):
        LanguageConsistency(**bad)


def test_cache_key_is_the_judged_text_and_the_target_inputs():
    v = LanguageConsistency()
    a = Sample("<think>x y</think>1", reference="1", meta={"language": "en", "id": 1})
    b = Sample("<think>x y</think>2", reference="2", meta={"language": "en", "id": 2})
    assert v.cache_key(a) == v.cache_key(b)
    assert v.cache_key(a) != v.cache_key(Sample("<think>x y</think>1", meta={"language": "fr"}))


# ---------------------------------------------------------------- determinism
def _verdicts(samples: list[Sample], **options) -> list[tuple]:
    v = LanguageConsistency(**options)
    return [(r.status.value, r.score, json.dumps(r.details, sort_keys=True)) for r in map(v.verify, samples)]


def _mixed_samples(english, chinese) -> list[Sample]:
    out = []
    for i, solution in enumerate(english):
        zh = chinese[i % len(chinese)]
        out.append(
            Sample(f"<think>{solution[:300]}{zh}{solution[300:]} {FRENCH[: 20 * i]}</think>", meta={"language": "en"})
        )
    return out


@pytest.mark.parametrize("detector", ["langdetect", "langdetect-sampled"])
def test_same_verdicts_on_every_run(english, chinese, detector):
    samples = _mixed_samples(english, chinese)
    first = _verdicts(samples, detector=detector)
    assert _verdicts(samples, detector=detector) == first
    clone = pickle.loads(pickle.dumps(LanguageConsistency(detector=detector)))
    assert [(r.status.value, r.score) for r in map(clone.verify, samples)] == [f[:2] for f in first]


def test_same_verdicts_in_another_process(english, chinese, tmp_path):
    samples = _mixed_samples(english, chinese)
    rows = [{"completion": s.completion, "meta": s.meta} for s in samples]
    (tmp_path / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from r1verify import Sample\n"
        "from tests.language.test_language import _verdicts\n"
        "rows = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "for det in ('langdetect', 'langdetect-sampled'):\n"
        "    print(json.dumps(_verdicts([Sample(r['completion'], meta=r['meta']) for r in rows], detector=det)))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "rows.json")], capture_output=True, text=True,
                         env=env, cwd=os.getcwd(), check=True, timeout=120).stdout.splitlines()  # fmt: skip
    for line, detector in zip(out, ("langdetect", "langdetect-sampled"), strict=True):
        assert [tuple(x) for x in json.loads(line)] == _verdicts(samples, detector=detector)


def test_lingua_backend_when_installed(english):
    pytest.importorskip("lingua")
    text = english[0] + " " + FRENCH
    verdict = judge(text, "en", detector="lingua")
    assert verdict.details["proportions"]["fr"] == pytest.approx(n_words(FRENCH) / n_words(text), abs=0.03)
