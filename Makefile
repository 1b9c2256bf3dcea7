# heaplab's two set-up commands on a fresh Debian 12 machine:
#   make run    install missing packages, configure, build, replay the default scenario
#   make test   the same set-up, then the whole test suite through ctest
# Other targets: build, bench, asan (the sanitizer build and its tests), format, clean.

BUILD   ?= build/release
PRESET  ?= release
JOBS    ?= $(shell nproc)
HEAPLAB := $(BUILD)/cli/heaplab

.PHONY: all deps configure build run test test-slow bench asan format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(HEAPLAB) run --trace-gc

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE slow

test-slow: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L slow

bench: build
	$(BUILD)/bench/heaplab_bench --benchmark_min_time=0.2

asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build build/asan-ubsan -j $(JOBS)
	ctest --test-dir build/asan-ubsan --output-on-failure -j $(JOBS) -L 'unit|oracle'

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
