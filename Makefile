# Two commands for a fresh clone:
#   make demo   - set up .venv with every r1verify distribution (editable) and verify the bundled example data
#   make test   - set up the same and run the whole test suite, then tests/math under the second antlr4 runtime
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PLUGINS := plugins/math plugins/format plugins/language plugins/instruct sandbox plugins/code plugins/rm plugins/judge adapters/trl adapters/openrlhf adapters/verl
COMMA  := ,
# what `pip install -e` gets: the distributions, some with the extras their tests exercise
EDITABLE := $(patsubst plugins/language,'plugins/language[lingua]',$(patsubst plugins/format,'plugins/format[tokens]',\
            $(patsubst adapters/openrlhf,'adapters/openrlhf[test]',$(patsubst adapters/verl,'adapters/verl[verl$(COMMA)test]',$(PLUGINS)))))
STAMP  := $(VENV)/.r1verify-installed
PYPROJECTS := pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
# latex2sympy2_extended (math-verify) runs on antlr4 4.9.3 or 4.13.2. The venv has constraints.txt's 4.9.3, which
# hydra-core (veRL's main_ppo) needs; `make test` runs tests/math again with 4.13.2 from a --target dir put first
# on PYTHONPATH (its code and its dist-info, which latex2sympy2_extended reads, both shadow the venv's copy).
# Not there: hydra's pytest plugin (omegaconf 2.3's parser is generated for 4.9 and fails on 4.13).
ANTLR_MAIN := $(shell sed -n 's/^antlr4-python3-runtime==//p' constraints.txt)
ANTLR_ALT  := 4.13.2
ANTLR_DIR  := $(abspath $(VENV))/antlr4-$(ANTLR_ALT)

.PHONY: setup demo test test-math-antlr bench clean

setup: $(STAMP)

$(STAMP): constraints.txt $(PYPROJECTS) Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[test,hf,generate,ray]' $(addprefix -e ,$(EDITABLE))
	$(PIP) install -c constraints.txt --no-deps openrlhf==0.11.2
	$(PIP) install -c constraints.txt --no-deps verl==0.9.1 tensordict==0.10.0 pyvers==0.1.0
	touch $@

demo: setup
	$(BIN)/r1verify verify examples/data/demo.jsonl --recipe reasoning-rl --out out/demo.results.jsonl --summary table

test: setup
	R1VERIFY_TEST_ANTLR=$(ANTLR_MAIN) $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-math-antlr

$(ANTLR_DIR)/.installed: $(STAMP)
	rm -rf $(ANTLR_DIR)
	$(PIP) install --no-deps --target $(ANTLR_DIR) antlr4-python3-runtime==$(ANTLR_ALT)
	touch $@

test-math-antlr: setup $(ANTLR_DIR)/.installed
	PYTHONPATH=$(ANTLR_DIR)$${PYTHONPATH:+:$$PYTHONPATH} R1VERIFY_TEST_ANTLR=$(ANTLR_ALT) \
	    $(BIN)/python -m pytest -p no:hydra_pytest tests/math

# every bench/ script, 3 runs each in its small mode; rewrites README.md's benchmark table (median and range)
bench: setup
	$(BIN)/python bench/run_all.py --quick --write-readme $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out
