# Two commands for a fresh clone:
#   make demo   - set up .venv with every r1verify distribution (editable) and verify the bundled example data
#   make test   - set up the same and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PLUGINS := plugins/math plugins/format plugins/language sandbox plugins/code plugins/rm plugins/judge adapters/trl adapters/openrlhf adapters/verl
# what `pip install -e` gets: the distributions, some with the extras their tests exercise
EDITABLE := $(patsubst plugins/language,'plugins/language[lingua]',$(patsubst plugins/format,'plugins/format[tokens]',\
            $(patsubst adapters/openrlhf,'adapters/openrlhf[test]',$(patsubst adapters/verl,'adapters/verl[test]',$(PLUGINS)))))
STAMP  := $(VENV)/.r1verify-installed
PYPROJECTS := pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))

.PHONY: setup demo test bench clean

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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# every bench/ script, 3 runs each in its small mode; rewrites README.md's benchmark table (median and range)
bench: setup
	$(BIN)/python bench/run_all.py --quick --write-readme $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out
