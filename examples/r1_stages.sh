#!/usr/bin/env bash
# The four DeepSeek-R1 training stages, each verified with r1verify, on the bundled example data.
# Runs offline on a CPU in a few minutes (stage 2 trains a tiny random model for 2 steps; stage 4 scores
# general prompts with a tiny random reward model). Run from the repository root after `make setup`:
#
#     bash examples/r1_stages.sh            # outputs go to out/stages/
#     R1VERIFY_STAGES="2 4" R1VERIFY_STAGES_OUT=/tmp/st bash examples/r1_stages.sh   # some stages, elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
R1="${R1VERIFY:-.venv/bin/r1verify}"
PY="${PYTHON:-.venv/bin/python}"
OUT="${R1VERIFY_STAGES_OUT:-out/stages}"
STAGES=" ${R1VERIFY_STAGES:-1 2 3 4} "
stage() { [[ "$STAGES" == *" $1 "* ]]; }
mkdir -p "$OUT"

if stage 1; then
echo "== Stage 1: cold start. Keep readable long-CoT examples for SFT (recipe cold-start)"
"$R1" filter examples/data/math_generations.jsonl --recipe cold-start \
    --out "$OUT/stage1_sft.jsonl" --summary-json "$OUT/stage1_summary.json" --summary table
echo "   kept rows (SFT messages): $OUT/stage1_sft.jsonl; rejected rows with reasons: $OUT/stage1_sft.rejects.jsonl"
fi

if stage 2; then
echo "== Stage 2: reasoning RL. GRPO rewards from the reasoning-rl recipe (TRL, tiny offline model, 2 steps)"
"$PY" examples/trl_grpo.py --tiny --recipe reasoning-rl --output-dir "$OUT/stage2_grpo"
fi

if stage 3; then
echo "== Stage 3: rejection sampling. Keep the best correct, clean generation per prompt (recipe rejection)"
"$R1" reject examples/data/math_generations.jsonl --recipe rejection --group-by id --keep best \
    --out "$OUT/stage3_sft.jsonl" --per-prompt "$OUT/stage3_per_prompt.jsonl" \
    --summary-json "$OUT/stage3_summary.json" --summary table
fi

if stage 4; then
echo "== Stage 4: final RL over all domains (recipe final-rl: rules for math/code, reward models for general)"
if [ ! -f "$OUT/tiny-rm/config.json" ]; then
    "$PY" - "$OUT/tiny-rm" <<'PYEOF'
import json, sys
from r1verify_rm.testing import save_random_reward_model
corpus = [json.loads(line)["completion"] for line in open("examples/data/final_mix.jsonl", encoding="utf-8")]
save_random_reward_model(sys.argv[1], corpus)   # a random tiny reward model: plumbing, not judgement
PYEOF
fi
R1VERIFY_HELPFULNESS_RM="$OUT/tiny-rm" R1VERIFY_HARMLESSNESS_RM="$OUT/tiny-rm" \
    "$R1" verify examples/data/final_mix.jsonl --recipe final-rl --out "$OUT/stage4_scored.jsonl" --summary table

echo "== Report: one self-contained HTML page per results file"
"$R1" report "$OUT/stage4_scored.jsonl" --out "$OUT/stage4_report.html"
fi
echo "done: see $OUT/"
