"""Other-language reasoning hidden as notation (red-team findings): it must count as if written plainly.

Each payload is a sentence or two of reasoning in another language, wrapped in something that looks like code,
math, a URL, an e-mail address or a tag. The hidden version must score like the plain one (where notation
stripping hid it, it scored 1.0), while real notation stays notation.
"""

from __future__ import annotations

import pytest
from r1verify_language import LanguageConsistency
from r1verify_language.words import words

from r1verify import Sample, Status

ZH = "我们先算九十九减九十然后答案是九这个问题很简单我们只需要做减法就可以了所以最后的答案就是九"
ZH_PUNCTUATED = "我们先算九十九减九十，得到九。然后我们检查一下：九加九十等于九十九，所以答案是九。"
RU = (
    "Сначала вычислим девяносто девять минус девяносто затем ответ равен девяти это очень простая задача нужно "
    "только вычесть"
)
KO = "먼저 구십구에서 구십을 빼면 답은 구입니다 이것은 아주 간단한 문제입니다 빼기만 하면 됩니다"
FR = (
    "D'abord nous calculons quatre-vingt-dix-neuf moins quatre-vingt-dix puis la réponse est neuf c'est un "
    "problème très simple il suffit de soustraire"
)
EN = (
    "First we compute ninety nine minus ninety, which gives nine. Then we double check by adding nine to ninety "
    "and we get ninety nine, so the answer is nine."
)
LEAD = {"en": "First compute.", "zh": "我们来算。"}


def score(reasoning: str, target: str) -> float:
    verdict = LanguageConsistency().verify(
        Sample(f"<think>{reasoning}</think>\n\\boxed{{9}}", meta={"language": target})
    )
    assert verdict.status is Status.SCORED, verdict.reason
    return verdict.score


def underscored(text: str) -> str:
    return text.replace(" ", "_")


# (target, payload, how it is hidden); "{}" is where the payload goes
HIDDEN = {
    "zh in a tag": ("en", ZH, "<x{}>"),
    "zh in a URL": ("en", ZH, "http://{}"),
    "zh with punctuation in a URL": ("en", ZH_PUNCTUATED, "http://{}"),
    "zh in an e-mail address": ("en", ZH, "a{}@b.cn"),
    "zh in a code fence": ("en", ZH, "```\n{}\n```"),
    "ru in a code fence": ("en", RU, "\n```\n{}\n```"),
    "ru in an unclosed code fence": ("en", RU, "\n```\n{}"),
    "ru in inline code": ("en", RU, "`{}`"),
    "ru in mathrm": ("en", RU, "$\\mathrm{{{}}}$"),
    "ru in operatorname": ("en", RU, "$\\operatorname{{{}}}$"),
    "ru in a URL, underscored": ("en", underscored(RU), "http://{}"),
    "ru in a tag, underscored": ("en", underscored(RU), "<x{}>"),
    "ru underscored": ("en", underscored(RU), "{}"),
    "ko in a code fence": ("en", KO, "\n```\n{}\n```"),
    "ko in $$": ("en", KO, "$$ {} $$"),
    "ko in \\( \\)": ("en", KO, "\\( {} \\)"),
    "ko in \\[ \\]": ("en", KO, "\\[ {} \\]"),
    "ko in align": ("en", KO, "\\begin{{align}} {} \\end{{align}}"),
    "ko in asy": ("en", KO, "[asy]{}[/asy]"),
    "fr in $": ("en", FR, "${}$"),
    "fr in $$": ("en", FR, "$$ {} $$"),
    "fr in a code fence": ("en", FR, "\n```\n{}\n```"),
    "fr in mathrm": ("en", FR, "$\\mathrm{{{}}}$"),
    "en in an unclosed fence (zh target)": ("zh", EN, "\n```\n{}"),
    "en in $$ (zh target)": ("zh", EN, "$$ {} $$"),
    "en in $ (zh target)": ("zh", EN, "${}$"),
    "en in mathrm (zh target)": ("zh", EN, "$\\mathrm{{{}}}$"),
    "en in operatorname (zh target)": ("zh", EN, "$\\operatorname{{{}}}$"),
    "en in inline code (zh target)": ("zh", EN, "`{}`"),
    "en in a code fence (zh target)": ("zh", EN, "\n```\n{}\n```"),
    "en in align (zh target)": ("zh", EN, "\\begin{{align*}} {} \\end{{align*}}"),
}


@pytest.mark.parametrize(("target", "payload", "wrapper"), HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_reasoning_counts_as_if_written_plainly(target, payload, wrapper):
    lead = LEAD[target]
    plain = score(f"{lead} {payload}", target)
    hidden = score(f"{lead} {wrapper.format(payload)}", target)
    assert plain < 0.25
    assert hidden == pytest.approx(plain, abs=0.06), (plain, hidden)


MACROS = ["text", "textrm", "textsf", "texttt", "textsc", "textup", "textsl", "textbf", "textit", "textmd", "textnormal",
          "emph", "mbox", "hbox", "fbox"]  # fmt: skip


@pytest.mark.parametrize("macro", MACROS)
@pytest.mark.parametrize("payload", [RU, FR], ids=["ru", "fr"])
def test_every_text_macro_is_prose(macro, payload):
    assert score(f"First compute. $x = \\{macro}{{{payload}}}$", "en") < 0.25


@pytest.mark.parametrize(
    "hidden",
    [
        " ".join(f"${w}$" for w in FR.split()),  # one word per span: a run goes on across spans
        " ".join(f"`{w}`" for w in FR.split()),
        "$" + "".join(f"\\mathrm{{{w}}}" for w in FR.split()) + "$",
        "$" + "\\ ".join(FR.split()) + "$",
    ],
    ids=["$word$ $word$", "`word` `word`", "\\mathrm{word}\\mathrm{word}", "word\\ word"],
)
def test_a_run_of_words_split_over_spans_or_macros_is_prose(hidden):
    assert score(f"First compute. {hidden}", "en") < 0.25
    assert score(f"我们来算。{hidden}", "zh") < 0.25


def test_other_scripts_glued_to_notation_are_words():
    assert [w.text for w in words("Сначала_вычислим 3девяносто жfirst")] == [
        "Сначала",
        "вычислим",
        "девяносто",
        "first",
    ]
    assert [w.text for w in words("<x我们>")] == ["我", "们"]


@pytest.mark.parametrize(
    "notation",
    [
        "$\\triangle ABC \\sim \\triangle DEF$",
        "$\\operatorname{lcm}(a, b) = \\mathrm{cm}$",
        "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}",
        "```python\nimport math\nfor i in range(n):\n    total += math.sqrt(i)\nprint(total)\n```",
        "`len(items)`",
        "`np.sqrt(x)`",
        "$\\sin x + \\log_2 y = \\max(a, b)$",
        '[asy]\nunitsize(1 cm);\ndraw((0,0)--(1,1)--cycle);\nlabel("$A$", (0,0), SW);\n[/asy]',
        "$x \\in ℝ$, $𝑥 = 2$",
        "https://en.wikipedia.org/wiki/Triangle_inequality",
        "me@example.com",
    ],
)
def test_real_notation_is_still_no_language(notation):
    assert words(notation) == [], [w.text for w in words(notation)]
    assert score(f"{LEAD['zh']}{notation}", "zh") == 1.0


def test_english_math_solutions_and_chinese_text_are_unaffected(english, chinese):
    assert all(score(s, "en") >= 0.97 for s in english)
    zh = "".join(chinese)
    with_math = zh[:100] + "$\\frac{3}{4} \\times 12 = 9$，$x^2 + y^2 = 25$。" + zh[100:]
    assert score(zh, "zh") == score(with_math, "zh") == 1.0
