"""The hack detectors, one concept per module. :data:`SAMPLE_DETECTORS` run on each rewarded sample,
:data:`GROUP_DETECTORS` on each prompt's group within a step."""

from __future__ import annotations

from .answer_in_reasoning import AnswerInReasoning
from .answer_spray import AnswerSpray
from .code_early_exit import CodeEarlyExit
from .code_fake_report import CodeFakeReport
from .code_harness_access import CodeHarnessAccess
from .code_patches import CodePatches
from .code_print_spray import CodePrintSpray
from .code_run_exit import CodeRunExit
from .code_run_spray import CodeRunSpray
from .code_run_tampering import CodeRunTampering
from .code_special_cases import CodeSpecialCases
from .empty_reasoning import EmptyReasoning
from .fake_rubric import FakeRubric
from .grader_address import GraderAddress
from .hedge import Hedge
from .length_exploit import LengthExploit
from .prompt_copy import PromptCopy
from .sycophancy import Sycophancy

SAMPLE_DETECTORS = (
    AnswerInReasoning,
    AnswerSpray,
    PromptCopy,
    Hedge,
    EmptyReasoning,
    CodeSpecialCases,
    CodeEarlyExit,
    CodeHarnessAccess,
    CodePatches,
    CodePrintSpray,
    CodeFakeReport,
    CodeRunExit,
    CodeRunTampering,
    CodeRunSpray,
    GraderAddress,
    FakeRubric,
    Sycophancy,
)
GROUP_DETECTORS = (LengthExploit,)

__all__ = [cls.__name__ for cls in (*SAMPLE_DETECTORS, *GROUP_DETECTORS)] + ["GROUP_DETECTORS", "SAMPLE_DETECTORS"]
