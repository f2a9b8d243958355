# Kasa developer entry points. `make help` lists them.
#
# PostgreSQL tests read TEST_DATABASE_URL (or DATABASE_URL); without either they are
# skipped with a message, unless CI=true, where they fail instead.

CARGO ?= cargo
# `make migrate MIGRATE=status` (up | down | status | fresh --yes)
MIGRATE ?= up

.PHONY: help test run smoke e2e migrate fmt lint ci console-types

help:
	@echo "make test     whole test suite (nextest if installed, else cargo test) + doc tests"
	@echo "make run      kasa serve --dev (embedded SQLite, in-process mock PSP, demo credentials)"
	@echo "make smoke    end-to-end money path against real kasa and mock-psp processes"
	@echo "make e2e      the console's Playwright tests in Chromium (docs/testing.md)"
	@echo "make migrate  cargo xtask migrate \$$(MIGRATE) (default: up)"
	@echo "make fmt      format the workspace"
	@echo "make lint     clippy on every target, warnings denied"
	@echo "make ci       what CI runs (.ci/run)"
	@echo "make console-types  regenerate crates/console/assets/types/kasa-api.d.ts from the live OpenAPI document"

test:
	$(CARGO) test --doc --workspace --quiet
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		echo "+ cargo nextest run --workspace --no-fail-fast"; \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		echo "+ cargo test --workspace (cargo-nextest not installed)"; \
		$(CARGO) test --workspace --no-fail-fast; \
	fi
	@# nextest hides the "SKIPPED … on PostgreSQL" lines of passing tests; say it here.
	@if [ -z "$$TEST_DATABASE_URL$$DATABASE_URL" ] && [ "$$CI" != "true" ]; then \
		echo "NOTE: the PostgreSQL tests were SKIPPED (passed without running): set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run them"; \
	fi

run:
	$(CARGO) run --release --bin kasa -- serve --dev

smoke:
	$(CARGO) xtask smoke

e2e:
	$(CARGO) xtask e2e

migrate:
	$(CARGO) xtask migrate $(MIGRATE)

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

ci:
	bash .ci/run

console-types:
	$(CARGO) build -p kasa-api --bin kasa
	bash .ci/console-types --write "$${CARGO_TARGET_DIR:-$$HOME/.cache/kasa-target}/debug/kasa"
