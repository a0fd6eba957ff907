"""Reward-hacking audit of a training run's rollouts (``r1verify audit``).

Read rollouts (:mod:`.reading`), run the hack detectors (:mod:`.detectors`, one concept per module, each with an
``id``, a one-line ``explanation`` and findings that carry the evidence span) and the second grader
(:mod:`.regrade`) over the rewarded samples (:mod:`.runner`), then summarise per detector and per step
(:mod:`.trends`, :mod:`.summary`) and draw the page (:mod:`.html_report`). See docs/audit.md.
"""

from __future__ import annotations

from .model import Detector, DetectorError, Finding, Flagged, GroupDetector, Rollout
from .reading import RolloutColumns, read_rollouts
from .runner import AuditRun, run_audit, select

__all__ = [
    "AuditRun",
    "Detector",
    "DetectorError",
    "Finding",
    "Flagged",
    "GroupDetector",
    "Rollout",
    "RolloutColumns",
    "read_rollouts",
    "run_audit",
    "select",
]
