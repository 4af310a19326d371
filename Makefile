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

## Benchmarks (release build): hold model side by side with a C reference, then the scenarios.
bench: release
	.build/release/latsim bench hold --pending 1000 --events 10000000 --reference
	.build/release/latsim bench hold --pending 100000 --events 10000000 --reference

clean:
	rm -rf .build out
