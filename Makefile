# Inlet: `make run` to try it, `make test` to prove it. Both install what is missing first.

SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/inlet-tools
export PATH := $(HOME)/.cargo/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
export INLET_TOOLS_DIR := $(TOOLS_DIR)

# cargo-leptos writes the binary under CARGO_TARGET_DIR (when set) and the site under ./target/site.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/release/inlet
export INLET_SITE_ROOT ?= target/site

.PHONY: run test build unit integration e2e check fmt bench-ingest clean-data

run: ## Build, migrate, load the demo community (first run) and serve on http://127.0.0.1:3000
	scripts/ensure-tools run
	cargo leptos build --release
	$(BIN) demo
	$(BIN) serve

test: ## Everything: unit, integration on SQLite and PostgreSQL, Playwright in Debian chromium
	scripts/ensure-tools test
	$(MAKE) unit integration build e2e

build:
	cargo leptos build --release

unit:
	cargo test --features ssr --lib

integration:
	scripts/test-integration

e2e:
	cd end2end && INLET_BIN="$(abspath $(BIN))" npx playwright test

check:
	cargo check --features ssr --all-targets
	cargo check --features hydrate --target wasm32-unknown-unknown --lib

fmt:
	cargo fmt

clean-data: ## Forget the local SQLite database (the demo is loaded again on the next `make run`)
	rm -rf data
