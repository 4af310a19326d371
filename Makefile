# latsim: the README's commands. Each target installs what is missing first.
.PHONY: deps build release install run test pytest fuzz-soak bench clean check notebooks

CONFIG ?= experiments/quickstart.yaml
OUT ?= out/quickstart
PREFIX ?= /usr/local

deps:
	@bash scripts/ensure-deps.sh

build: deps
	swift build

## The relocatable release binary (Swift runtime and GSL linked statically; scripts/build-release.sh).
release: deps
	@bash scripts/build-release.sh > /dev/null

## Install bin/latsim (stripped) and share/latsim/experiments/ (curated configs, presets, claims)
## under $(PREFIX); the binary finds the presets relative to itself, wherever PREFIX is.
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/latsim
	install -m 755 .build/release/latsim $(DESTDIR)$(PREFIX)/bin/latsim
	-strip $(DESTDIR)$(PREFIX)/bin/latsim
	rm -rf $(DESTDIR)$(PREFIX)/share/latsim/experiments
	cp -R experiments $(DESTDIR)$(PREFIX)/share/latsim/experiments

## Run the default experiment: prints a summary table, writes CSV to $(OUT).
run: release
	.build/release/latsim run $(CONFIG) --out $(OUT)

## Run the whole test suite: the Python package's pytest suite (pip-installed into a fresh
## venv with the relocatable release binary), the Dask runner against a one-machine sweep (byte
## for byte), the notebooks regenerated and compared with their committed exports, then swift
## test (unit, statistical, golden, claims, and a fixed budget of the fuzz harness,
## LatSimFuzzTests). The scripts make virtual environments from PyPI.
test: deps
	bash scripts/python-check.sh
	bash scripts/dask/check.sh
	bash scripts/notebooks.sh --check
	swift test

## A longer fuzz soak than the 60 s inside `swift test`: FUZZ_SECONDS of seeded mutations of
## every curated config and claims file through the latsim binary (FUZZ_SEED picks another sequence).
FUZZ_SECONDS ?= 1800
FUZZ_SEED ?= 1
fuzz-soak: deps
	swift build --build-tests
	LATSIM_FUZZ_SECONDS=$(FUZZ_SECONDS) LATSIM_FUZZ_SEED=$(FUZZ_SEED) swift test --skip-build --filter FuzzTests

## The Python package's tests only (python/tests, in .build/python-venv).
pytest: deps
	bash scripts/python-check.sh

## Benchmarks (release build): the hold model beside a C reference, the network and markets
## scenarios, and one replication of every catalog experiment.
bench: release
	.build/release/latsim bench

## Check every claim (experiments/claims/) and golden fingerprint; CSV report in out/claims.csv.
check: release
	.build/release/latsim check --report out/claims.csv

## Regenerate notebooks-export/ from scratch (venv with pinned requirements, release build, CSV, executed notebooks).
notebooks: deps
	bash scripts/notebooks.sh

clean:
	rm -rf .build out
