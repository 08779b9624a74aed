# Inlet: `make run` to try it, `make test` to prove it. Both install what is missing first
# (scripts/ensure-tools).

SHELL := /bin/bash

# npm's binaryen (wasm-opt) lives in a tools folder outside the clone; cargo's tools in ~/.cargo/bin.
INLET_TOOLS_DIR ?= $(HOME)/.cache/inlet-tools
export INLET_TOOLS_DIR
export PATH := $(HOME)/.cargo/bin:$(INLET_TOOLS_DIR)/node_modules/.bin:$(PATH)

# cargo-leptos puts the server binary under cargo's target dir (CARGO_TARGET_DIR when set, e.g.
# the CI cache) but the site (pkg/, CSS, assets) always under ./target/site, as site-root in
# Cargo.toml says: the binary finds it through INLET_SITE_ROOT, relative to this folder.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(abspath $(TARGET_DIR)/release/inlet)
export INLET_SITE_ROOT ?= target/site

.PHONY: run test tools tools-test build unit integration contract e2e check fmt clean-data

run: ## Build, migrate, load the demo community (first run only) and serve on http://127.0.0.1:3000
	scripts/ensure-tools run
	cargo leptos build --release
	$(BIN) demo
	$(BIN) serve

test: ## Everything: unit, integration on SQLite and PostgreSQL, the API contract, Playwright in Debian chromium
	scripts/ensure-tools test
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory contract
	$(MAKE) --no-print-directory e2e

tools:
	scripts/ensure-tools run

tools-test:
	scripts/ensure-tools test

build: ## Release build of the server and the hydrating front end
	cargo leptos build --release

unit:
	cargo test --features ssr --lib

integration: ## The HTTP suite on SQLite, then on PostgreSQL at 127.0.0.1:5432
	scripts/test-integration

contract: ## The API's OpenAPI document validated, then every operation driven by schemathesis (run `make build` first)
	scripts/api-contract "$(BIN)"

e2e: ## Playwright journeys against the release binary (run `make build` first)
	cd end2end && INLET_BIN="$(BIN)" npx playwright test

check:
	cargo check --features ssr --all-targets
	cargo check --features hydrate --target wasm32-unknown-unknown --lib

fmt:
	cargo fmt

clean-data: ## Forget the local SQLite database (the demo is loaded again by the next `make run`)
	rm -rf data
