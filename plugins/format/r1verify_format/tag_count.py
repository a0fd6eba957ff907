"""The ``tag_count`` verifier: partial credit for each template tag used exactly as often as it should be."""

from __future__ import annotations

from r1verify import Sample, Verdict

from .think_format import TemplateVerifier


class TagCount(TemplateVerifier):
    """Partial credit for the template's tags, in equal parts per check (open-r1's ``tag_count_reward``).

    The checks: ``<think>`` once (none when the prompt prefilled it), ``</think>`` once, and when answer tags
    are in play (``answer_tags = required``, or ``optional`` and an answer tag appears) ``<answer>`` once and
    ``</answer>`` once; with ``answer_tags = forbidden`` one check that no answer tag appears. Order and
    content are not checked (that is ``think_format``). Tags are counted exactly as written; newlines around
    them do not matter (open-r1 counts ``"<think>\\n"``).

    With ``template = sky-t1`` the four tags are its thought and solution tokens and the solution tags are always
    counted; with ``template = harmony`` the checks are: one ``analysis`` channel, one ``final`` channel, one
    ``<|message|>`` per channel header, and ``<|end|>`` closing every message but the last.

    ``correct`` (1.0) when every check passes, ``format_error`` (0.0) when none does, ``partial`` in between.
    """

    name = "tag_count"

    def verify(self, sample: Sample) -> Verdict:
        if self.options.template == "harmony":
            return _verdict(_harmony_checks(sample.completion), {"template": "harmony"})
        tags = self.tags
        text = sample.completion
        counts = {
            tag: text.count(tag) for tag in (tags.open_think, tags.close_think, tags.open_answer, tags.close_answer)
        }
        prefilled = self.prefilled(sample)
        checks = {
            f"{tags.open_think} x{0 if prefilled else 1}": counts[tags.open_think] == (0 if prefilled else 1),
            f"{tags.close_think} x1": counts[tags.close_think] == 1,
        }
        answer_seen = counts[tags.open_answer] + counts[tags.close_answer] > 0
        mode = "required" if self.options.template == "sky-t1" else self.options.answer_tags
        if mode == "required" or (mode == "optional" and answer_seen):
            checks[f"{tags.open_answer} x1"] = counts[tags.open_answer] == 1
            checks[f"{tags.close_answer} x1"] = counts[tags.close_answer] == 1
        elif mode == "forbidden":
            checks["no answer tags"] = not answer_seen
        return _verdict(checks, {"counts": counts, "prefilled": prefilled})


def _harmony_checks(text: str) -> dict[str, bool]:
    channels = text.count("<|channel|>")
    return {
        "<|channel|>analysis x1": text.count("<|channel|>analysis") == 1,
        "<|channel|>final x1": text.count("<|channel|>final") == 1,
        "<|message|> per <|channel|>": channels > 0 and text.count("<|message|>") == channels,
        "<|end|> between messages": channels > 0 and text.count("<|end|>") == channels - 1,
    }


def _verdict(checks: dict[str, bool], extra: dict[str, object]) -> Verdict:
    passed = sum(checks.values())
    score = passed / len(checks)
    failed = [name for name, ok in checks.items() if not ok]
    details = {**extra, "failed": failed}
    if not failed:
        return Verdict.correct(f"all {len(checks)} tag checks pass", **details)
    reason = f"{passed}/{len(checks)} tag checks pass; failed: {', '.join(failed)}"
    if passed == 0:
        return Verdict.format_error(reason, **details)
    return Verdict.partial(score, reason, **details)
