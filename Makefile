# heaplab's two set-up commands on a fresh Debian 12 machine:
#   make run    install missing packages, configure, build, replay the default scenario
#   make test   the same set-up, then the whole test suite through ctest
# Other targets: build, test-slow (the tests labelled slow: the oracle soak), bench, asan (the
# sanitizer build and its tests), format, clean.

BUILD   ?= build/release
PRESET  ?= release
JOBS    ?= $(shell nproc)
HEAPLAB := $(BUILD)/cli/heaplab

.PHONY: all deps configure build run test test-slow bench asan fuzz format clean

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

# The trace reader and replayer under libFuzzer with ASan and UBSan, for FUZZ_SECONDS.
FUZZ_SECONDS ?= 120
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DHEAPLAB_SANITIZE=ON -DHEAPLAB_FUZZ=ON -DHEAPLAB_TESTS=OFF -DHEAPLAB_BENCH=OFF >/dev/null
	@cmake --build build/fuzz --target trace_fuzz -j $(JOBS)
	@mkdir -p build/fuzz/corpus
	@cp tests/fuzz/seeds/*.hlt build/fuzz/corpus/
	build/fuzz/trace_fuzz build/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
