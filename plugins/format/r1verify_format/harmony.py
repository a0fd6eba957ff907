"""The strict harmony (gpt-oss) template: one analysis message, then one final message, nothing else.

Rules, in the order they are checked:

1. Well-formed messages: every ``<|start|>`` header reaches ``<|message|>``, no harmony token inside a header
   or a content where it does not belong, no text outside messages. The first message may omit
   ``<|start|>assistant`` (the prompt ends with it).
2. Every message is the assistant's, on a known channel (``analysis``, ``commentary``, ``final``).
3. One reasoning block first: exactly one ``analysis`` message, and it is the first message.
4. One final answer last: exactly one ``final`` message, the last one; a completion that ends in a tool call
   (``to=...``, ``<|call|>``) or stops after the analysis has no answer (``no_answer``); an analysis never
   closed is truncated (``format_error``). ``commentary`` preambles (no recipient) may stand between them.
5. Every message but the last ends with ``<|end|>``; the final one with ``<|return|>``, ``<|end|>`` or nothing
   (servers strip the stop token).
6. The reasoning and the answer each have visible content (``content.has_content``).
"""

from __future__ import annotations

from r1verify import Status
from r1verify.templates import CHANNELS, parse_harmony

from .content import has_content
from .template import Parsed, _fail


def parse(completion: str) -> Parsed:
    """Check ``completion`` against the harmony template (see the module docstring)."""
    parsed = parse_harmony(completion)
    if parsed.problems:
        return _fail(parsed.problems[0])
    messages = parsed.messages
    if not messages:
        return _fail("no harmony message (<|channel|>analysis<|message|>...<|end|>) in the completion")
    if parsed.outside:
        at, text = parsed.outside[0]
        return _fail(f"text outside a harmony message at character {at}: {text.strip()[:40]!r}")
    for m in messages:
        if m.role.split(" ")[0] not in ("", "assistant"):
            return _fail(f"a message from {m.role!r} at character {m.start}: the completion is the assistant's")
        if m.channel not in CHANNELS:
            return _fail(f"unknown channel {m.channel!r} at character {m.start}; harmony has {', '.join(CHANNELS)}")
    analysis = [m for m in messages if m.channel == "analysis"]
    if not analysis:
        return _fail("no analysis message: the reasoning block is missing")
    if len(analysis) > 1:
        return _fail(f"{len(analysis)} analysis messages: repeated reasoning blocks")
    if messages[0].channel != "analysis":
        return _fail(f"a {messages[0].channel} message before the analysis: the reasoning block must come first")
    finals = [m for m in messages if m.channel == "final"]
    last = messages[-1]
    if not finals:
        if not last.terminator:
            return _fail(f"the {last.channel} message is never closed (no <|end|>; truncated?)")
        if last.recipient:
            return _fail(f"ends in a tool call to {last.recipient}: no final message", Status.NO_ANSWER)
        return _fail("no final-channel message after the reasoning: no final answer", Status.NO_ANSWER)
    if len(finals) > 1:
        return _fail(f"{len(finals)} final messages; expected one")
    if last.channel != "final":
        return _fail("messages after the final message: the final answer must come last")
    for m in messages[:-1]:
        if m.terminator != "end":
            ended = f"<|{m.terminator}|>" if m.terminator else "nothing"
            return _fail(f"the {m.channel} message at character {m.start} ends with {ended}, not <|end|>")
    reasoning, answer = analysis[0].content.strip(), last.content.strip()
    if not has_content(reasoning):
        return _fail("empty analysis message (no visible letter or digit)")
    if not has_content(answer):
        return _fail("empty final message: no final answer", Status.NO_ANSWER)
    return Parsed(Status.CORRECT, reasoning=reasoning, answer=answer, answer_tagged=True)
