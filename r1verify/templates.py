"""Reasoning templates: where a completion's reasoning ends and its answer is, for each common style.

Presets (the ``template`` option of ``math``, ``think_format``, ``tag_count`` and ``language``):

- ``r1``: ``<think> reasoning </think> answer`` (DeepSeek-R1; the default, today's behaviour).
- ``qwen3``: the same tags, but the chat template prefills ``<think>\\n`` into the prompt, so the completion starts
  inside the reasoning and contains only ``</think>`` (Qwen3 thinking mode, QwQ, R1 distills).
- ``sky-t1``: ``<|begin_of_thought|> ... <|end_of_thought|>`` then the answer inside
  ``<|begin_of_solution|> ... <|end_of_solution|>`` (Sky-T1, Bespoke-Stratos, OpenThoughts).
- ``harmony``: gpt-oss messages ``<|start|>assistant<|channel|>analysis<|message|>...<|end|>`` then
  ``<|start|>assistant<|channel|>final<|message|>...<|return|>``; the first message may omit
  ``<|start|>assistant`` (the prompt ends with it), and the final ``<|return|>`` is often stripped as a stop token.

:func:`split` cuts a completion leniently into reasoning and answer and says what it found (:data:`SplitStatus`);
strict format rules are the format verifier's job. Pure string work, linear in the completion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

TemplateName = Literal["r1", "qwen3", "sky-t1", "harmony"]
"""The preset names, as the ``template`` option takes them."""

TEMPLATE_NAMES: tuple[str, ...] = get_args(TemplateName)

SplitStatus = Literal["ok", "missing", "unclosed", "unwrapped", "answer_unclosed", "no_answer"]
"""What :func:`split` found:

- ``ok``: the reasoning block closed and the answer is where the template puts it (for ``r1``/``qwen3``: after
  ``</think>``; ``sky-t1``: inside the solution block; ``harmony``: the last ``final`` message).
- ``missing``: no reasoning block at all (no closing delimiter and, unless prefilled, no opening one).
- ``unclosed``: the reasoning was opened (or prefilled) and never closed: truncated.
- ``unwrapped``: the reasoning closed, but the answer text is not inside the answer block (``sky-t1`` without
  ``<|begin_of_solution|>``, ``harmony`` text after the last message instead of a ``final`` message).
- ``answer_unclosed``: the answer block opened and never closed (``sky-t1``; truncated).
- ``no_answer``: the reasoning closed and no answer follows (``harmony`` ending in a tool call or without a
  ``final`` message).
"""

GRADABLE: frozenset[str] = frozenset({"ok", "unwrapped", "answer_unclosed", "no_answer"})
"""Statuses in which the reasoning ended, so ``Split.answer`` is the final answer (possibly empty)."""


@dataclass(frozen=True, slots=True)
class Split:
    """A completion cut by a template: the reasoning (``None`` if there is none), the answer region (``None``
    when the reasoning never ended), what was found, and a sentence saying so."""

    status: SplitStatus
    reasoning: str | None
    answer: str | None
    detail: str = ""

    @property
    def reasoning_ended(self) -> bool:
        return self.status in GRADABLE


@dataclass(frozen=True)
class Template:
    """A preset: its delimiters and whether its chat template prefills the opening one."""

    name: str
    open_reasoning: str
    close_reasoning: str
    open_answer: str = ""
    close_answer: str = ""
    prefilled: bool = False
    """The chat template ends the prompt with ``open_reasoning`` (the completion starts inside the reasoning)."""
    description: str = ""

    @property
    def markers(self) -> tuple[str, ...]:
        """Every delimiter of the template (the special tokens a stray-tag check looks for)."""
        if self.name == "harmony":
            return HARMONY_TOKENS
        return tuple(m for m in (self.open_reasoning, self.close_reasoning, self.open_answer, self.close_answer) if m)

    def split(self, completion: str) -> Split:
        """Cut ``completion`` into reasoning and answer (see :data:`SplitStatus`)."""
        if self.name == "harmony":
            return _split_harmony(completion)
        if self.open_answer:
            return _split_blocks(completion, self)
        return _split_think(completion, self)


PRESETS: dict[str, Template] = {
    "r1": Template("r1", "<think>", "</think>", description="<think> reasoning </think> answer (DeepSeek-R1)"),
    "qwen3": Template(
        "qwen3",
        "<think>",
        "</think>",
        prefilled=True,
        description="the prompt ends with <think>; the completion is reasoning </think> answer (Qwen3 thinking)",
    ),
    "sky-t1": Template(
        "sky-t1",
        "<|begin_of_thought|>",
        "<|end_of_thought|>",
        "<|begin_of_solution|>",
        "<|end_of_solution|>",
        description="<|begin_of_thought|>...<|end_of_thought|> <|begin_of_solution|>...<|end_of_solution|>"
        " (Sky-T1, Bespoke-Stratos, OpenThoughts)",
    ),
    "harmony": Template(
        "harmony",
        "<|channel|>analysis<|message|>",
        "<|end|>",
        "<|channel|>final<|message|>",
        "<|return|>",
        description="gpt-oss harmony messages: analysis channel, then final channel",
    ),
}


def get_template(name: str) -> Template:
    """The preset called ``name``; ``ValueError`` naming the presets otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown template {name!r}; choose one of {', '.join(TEMPLATE_NAMES)}") from None


def split(completion: str, template: str = "r1") -> Split:
    """Cut ``completion`` into reasoning and answer under the preset ``template`` (see :data:`SplitStatus`)."""
    return get_template(template).split(completion)


# --- <think>-style: one closing tag ----------------------------------------------------------------------------


def _split_think(completion: str, t: Template) -> Split:
    head, sep, _ = completion.partition(t.close_reasoning)
    if sep:
        reasoning = head.replace(t.open_reasoning, "", 1)
        answer = completion.rpartition(t.close_reasoning)[2]
        return Split("ok", reasoning, answer, f"reasoning closed by {t.close_reasoning}")
    if t.open_reasoning in completion:
        rest = completion.partition(t.open_reasoning)[2]
        return Split("unclosed", rest, None, f"{t.open_reasoning} is never closed by {t.close_reasoning}")
    if t.prefilled:
        return Split("unclosed", completion, None, f"the prefilled reasoning is never closed by {t.close_reasoning}")
    return Split("missing", None, None, f"no {t.open_reasoning}...{t.close_reasoning} reasoning block")


# --- two blocks: reasoning block, then answer block -------------------------------------------------------------


def _split_blocks(completion: str, t: Template) -> Split:
    head, sep, _ = completion.partition(t.close_reasoning)
    if not sep:
        if t.open_reasoning in completion:
            rest = completion.partition(t.open_reasoning)[2]
            return Split("unclosed", rest, None, f"{t.open_reasoning} is never closed by {t.close_reasoning}")
        return Split("missing", None, None, f"no {t.close_reasoning} in the completion")
    reasoning = head.partition(t.open_reasoning)[2] if t.open_reasoning in head else head
    after = completion.rpartition(t.close_reasoning)[2]
    if t.open_answer not in after:
        bare = after.replace(t.close_answer, "")
        if not bare.strip():
            return Split("no_answer", reasoning, "", f"nothing after {t.close_reasoning}")
        return Split("unwrapped", reasoning, bare, f"the answer is not inside {t.open_answer}...{t.close_answer}")
    body = after.rpartition(t.open_answer)[2]
    answer, closed, _ = body.partition(t.close_answer)
    if not closed:
        return Split("answer_unclosed", reasoning, body, f"{t.open_answer} is never closed by {t.close_answer}")
    return Split("ok", reasoning, answer, f"answer inside {t.open_answer}...{t.close_answer}")


# --- harmony messages -------------------------------------------------------------------------------------------

HARMONY_TOKENS = ("<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>")
_HARMONY_TOKEN = re.compile(r"<\|(start|end|message|channel|constrain|return|call)\|>")
_CHANNEL = re.compile(r"<\|channel\|>\s*([^\s<]*)")
_RECIPIENT = re.compile(r"\bto=(\S+?)(?=\s|<\||$)")
CHANNELS = ("analysis", "commentary", "final")


@dataclass(frozen=True, slots=True)
class HarmonyMessage:
    """One message of a harmony completion: its header, channel, recipient, content and terminator."""

    header: str
    role: str
    channel: str
    recipient: str
    content: str
    terminator: str
    """``end``, ``return``, ``call``, or ``""`` when the text ends (or the next message starts) before one."""
    start: int
    """Offset of the message (its ``<|start|>``, or its header when the prompt supplied ``<|start|>assistant``)."""


@dataclass(frozen=True, slots=True)
class HarmonyParse:
    """The messages of a completion, text found outside any message, and structural problems in order."""

    messages: tuple[HarmonyMessage, ...]
    outside: tuple[tuple[int, str], ...]
    problems: tuple[str, ...]


def parse_harmony(text: str) -> HarmonyParse:
    """Read ``text`` as harmony messages (lenient: every oddity is listed in ``problems``, nothing raises)."""
    messages: list[HarmonyMessage] = []
    outside: list[tuple[int, str]] = []
    problems: list[str] = []
    state = "between"
    pos = 0  # where unread text starts
    msg_start = header_start = content_start = 0
    header = ""

    def finish(end: int, terminator: str) -> None:
        role = header.split("<|channel|>", 1)[0].strip()
        channel = m.group(1) if (m := _CHANNEL.search(header)) else ""
        recipient = r.group(1) if (r := _RECIPIENT.search(header)) else ""
        messages.append(
            HarmonyMessage(header, role, channel, recipient, text[content_start:end], terminator, msg_start)
        )

    for tok in _HARMONY_TOKEN.finditer(text):
        name, start, end = tok.group(1), tok.start(), tok.end()
        if state == "between":
            if text[pos:start].strip():
                outside.append((pos, text[pos:start]))
            if name == "start":
                state, msg_start, header_start = "header", start, end
            elif name == "channel" and not messages:  # the prompt ended with <|start|>assistant
                state, msg_start, header_start = "header", start, start
            else:
                problems.append(f"<|{name}|> at character {start} outside a message")
        elif state == "header":
            if name == "message":
                header = text[header_start:start]
                state, content_start = "content", end
            elif name not in ("channel", "constrain"):
                problems.append(f"<|{name}|> at character {start} inside a message header (no <|message|>)")
                if name == "start":
                    msg_start, header_start = start, end
                else:
                    state = "between"
        else:  # content
            if name in ("end", "return", "call"):
                finish(start, name)
                state = "between"
            elif name == "start":
                problems.append(f"a message is not closed before <|start|> at character {start} (no <|end|>)")
                finish(start, "")
                state, msg_start, header_start = "header", start, end
            else:
                problems.append(f"<|{name}|> at character {start} inside message content")
        pos = end
    if state == "content":
        finish(len(text), "")
    elif state == "header":
        problems.append(f"the message header at character {msg_start} never reaches <|message|> (truncated?)")
    elif text[pos:].strip():
        outside.append((pos, text[pos:]))
    return HarmonyParse(tuple(messages), tuple(outside), tuple(problems))


def _split_harmony(completion: str) -> Split:
    parsed = parse_harmony(completion)
    messages = parsed.messages
    analysis = [m.content for m in messages if m.channel == "analysis"]
    reasoning = "\n\n".join(analysis) if analysis else None
    finals = [m for m in messages if m.channel == "final"]
    if finals:
        return Split("ok", reasoning, finals[-1].content, "the last final-channel message")
    if not messages:
        return Split("missing", None, None, "no harmony message (<|channel|>...<|message|>) in the completion")
    last = messages[-1]
    if not last.terminator and last.channel != "final":
        return Split("unclosed", reasoning, None, f"the {last.channel or 'last'} message is never closed (truncated?)")
    trailing = [t for p, t in parsed.outside if p >= last.start]
    if trailing:
        return Split("unwrapped", reasoning, "".join(trailing), "text after the last message, not a final message")
    if last.recipient:
        return Split("no_answer", reasoning, "", f"ends in a tool call to {last.recipient}, no final message")
    return Split("no_answer", reasoning, "", "no final-channel message")
