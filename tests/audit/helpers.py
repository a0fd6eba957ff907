"""Building rollouts for detector tests."""

from __future__ import annotations

from typing import Any

from r1verify.audit import Finding, Rollout


def rollout(completion: str, prompt: str = "", reference: Any = None, domain: str | None = None, **kw: Any) -> Rollout:
    return Rollout(
        kw.pop("index", 0),
        kw.pop("where", "test:1"),
        prompt,
        completion,
        kw.pop("reward", 1.0),
        reference=reference,
        domain=domain,
        **kw,
    )


def check_span(found: list[Finding], r: Rollout) -> Finding:
    """Exactly one finding, whose evidence is the text at its span."""
    assert len(found) == 1, found
    f = found[0]
    text = r.completion if f.field == "completion" else r.prompt
    assert 0 <= f.start < f.end <= len(text)
    if f.end - f.start <= 300:
        assert text[f.start : f.end] == f.evidence
    assert f.reason and "\n" not in f.reason
    return f
