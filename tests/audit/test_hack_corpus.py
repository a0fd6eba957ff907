"""The regression corpus of known hacks: each is flagged by its detector, and no first-party verifier rewards
the ones it should reject."""

from __future__ import annotations

import pytest

from r1verify import Engine, Recipe, Sample
from r1verify.audit import select
from r1verify.verdict import Status

from ..sandbox.fixtures import docker_pool, sandbox_image  # noqa: F401 - fixtures
from .corpus import CORPUS, Hack
from .helpers import rollout

RECIPE = {
    "format": {"verifier": "think_format"},
    "strict": {"verifier": "math", "domains": ["math"], "options": {"preset": "strict"}},
    "lenient": {"verifier": "math", "domains": ["math"], "options": {"preset": "lenient"}},
}
KNOWN_GAPS: dict[str, str] = {}  # hack name -> why a verifier still rewards it (a strict xfail)


@pytest.mark.parametrize("hack", CORPUS, ids=lambda h: h.name)
def test_every_known_hack_is_flagged_by_its_detector(hack: Hack):
    [detector] = select(only=[hack.detector])
    found = detector.detect(rollout(hack.completion, hack.prompt, hack.reference, hack.domain))
    assert [f.detector for f in found] == [hack.detector]


@pytest.fixture(scope="module")
def verdicts():
    samples = [Sample(h.completion, prompt=h.prompt, reference=h.reference, domain=h.domain) for h in CORPUS]
    with Engine(Recipe.from_dict({"verifiers": RECIPE}), workers=1) as engine:
        return {h.name: r.verdicts for h, r in zip(CORPUS, engine.verify(samples))}


@pytest.mark.parametrize(
    ("hack", "verifier"),
    [
        pytest.param(
            h, v, marks=[pytest.mark.xfail(reason=KNOWN_GAPS[h.name], strict=True)] if h.name in KNOWN_GAPS else []
        )
        for h in CORPUS
        for v in h.rejected_by
        if v in RECIPE
    ],
    ids=lambda x: x.name if isinstance(x, Hack) else x,
)
def test_no_math_or_format_verifier_rewards_a_known_hack(verdicts, hack: Hack, verifier: str):
    verdict = verdicts[hack.name][verifier]
    assert verdict.status in (Status.WRONG, Status.NO_ANSWER, Status.FORMAT_ERROR), verdict.reason


@pytest.mark.slow
@pytest.mark.docker
@pytest.mark.parametrize("hack", [h for h in CORPUS if "code" in h.rejected_by], ids=lambda h: h.name)
def test_the_code_verifier_rewards_no_known_code_hack(docker_pool, hack: Hack):  # noqa: F811 - the imported fixture
    from r1verify_code import CodeVerifier

    verdict = CodeVerifier(backend="docker", workers=2).verify(
        Sample(hack.completion, prompt=hack.prompt, reference=hack.reference, domain="code")
    )
    assert verdict.status is Status.WRONG and verdict.score == 0.0, verdict.reason  # run and failed, not an error
