# latsim: the README's commands. Each target installs what is missing first.
.PHONY: deps build release run test bench clean

CONFIG ?= experiments/quickstart.yaml
OUT ?= out/quickstart

deps:
	@bash scripts/ensure-deps.sh

build: deps
	swift build

release: deps
	swift build -c release

## Run the default experiment: prints a summary table, writes CSV to $(OUT).
run: release
	.build/release/latsim run $(CONFIG) --out $(OUT)

## Run the whole test suite (unit, statistical, golden, claims).
test: deps
	swift test

## Benchmarks (release build): the hold model beside a C reference, the network and markets
## scenarios, and one replication of every catalog experiment.
bench: release
	.build/release/latsim bench

clean:
	rm -rf .build out
