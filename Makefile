# heaplab's two set-up commands on a fresh Debian 12 machine:
#   make run    install missing packages, configure, build, replay the default scenario
#   make test   the same set-up, then the whole test suite through ctest
#   make viz    the same set-up, then builds and starts the desktop visualizer heaplab-viz
# Other targets: build, test-slow (the tests labelled slow: the oracle soak), bench, asan (the
# sanitizer build and its tests), fuzz and fuzz-test (libFuzzer, below), format, clean.

BUILD   ?= build/release
PRESET  ?= release
JOBS    ?= $(shell nproc)
HEAPLAB := $(BUILD)/cli/heaplab

.PHONY: all deps configure build run viz test test-slow bench asan fuzz fuzz-build fuzz-test \
        fuzz-corpus format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(HEAPLAB) run --trace-gc

viz: configure
	@cmake --build $(BUILD) -j $(JOBS) --target heaplab-viz
	$(BUILD)/viz/heaplab-viz

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE slow

test-slow: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L slow

bench: build
	$(BUILD)/bench/heaplab_bench --benchmark_min_time=0.2
	$(BUILD)/bench/heaplab_bench_glibc

# The sanitizer job builds only the test programs its labels (unit, oracle) run. It leaves out
# the policy tests that replay whole scenarios to check a figure (GC counts, speeds, heap
# trajectories): they check figures, not memory safety, repeat at scenario scale the paths the
# smaller tests run, and took a seventh of the sanitizer job's CPU time. make test runs them.
ASAN_TARGETS := heap_tests gc_tests oracle_tests traces_tests buffer_tests
ASAN_SKIP    := ^(AsyncBursts\.|HeapGrowing\.GcSpeed|Trajectory\.|OutOfMemory\.(ALeakingCache|TheSameCache)|Scenarios\.ReplayScenarioMatches)

asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build build/asan-ubsan -j $(JOBS) --target $(ASAN_TARGETS)
	ctest --test-dir build/asan-ubsan --output-on-failure -j $(JOBS) -L 'unit|oracle' \
	  -E '$(ASAN_SKIP)'

# libFuzzer targets (clang; ASan and UBSan; heap/, gc/, traces/ and the flags instrumented):
#   trace_fuzz  any bytes as a trace, read and replayed
#   flags_fuzz  any bytes as the arguments of heaplab run, over a small built-in trace
#   scenario_fuzz  any bytes as a scenario, seed and parameters, generated, written, replayed
#   log_fuzz    any bytes as a node GC log, read by heaplab v8log's reader and summarised
# make fuzz         runs each target for FUZZ_SECONDS (the fuzz ctests, label fuzz), then
#                   prints libFuzzer's figures (inputs run, cov, ft) and the line and function
#                   coverage of traces/, heap/, gc/, buffer/, cli/ (llvm-cov) per target
# make fuzz-test    the same for CI: FUZZ_SECONDS=30 (four targets in the time three took)
# make fuzz-corpus  minimises what the runs found into tests/fuzz/corpus/ (libFuzzer -merge=1)
FUZZ_SECONDS ?= 120
FUZZ_BUILD   := build/fuzz
FUZZ_WORK    := $(FUZZ_BUILD)/tests/fuzz/work

fuzz-build:
	@scripts/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DHEAPLAB_SANITIZE=ON -DHEAPLAB_FUZZ=ON -DHEAPLAB_TESTS=OFF -DHEAPLAB_BENCH=OFF \
	  -DHEAPLAB_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build $(FUZZ_BUILD) --target trace_fuzz flags_fuzz scenario_fuzz log_fuzz -j $(JOBS)

fuzz: fuzz-build
	@rm -f $(FUZZ_WORK)/*/summary.txt $(FUZZ_WORK)/summary.txt
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS) -L fuzz
	@cat $(FUZZ_WORK)/*/summary.txt $(FUZZ_WORK)/summary.txt

fuzz-test: FUZZ_SECONDS = 30
fuzz-test: fuzz

fuzz-corpus: fuzz-build
	@for t in trace flags scenario log; do \
	  FUZZ_WORK=$(FUZZ_WORK) tests/fuzz/run.sh merge $(FUZZ_BUILD)/tests/fuzz/$${t}_fuzz $$t \
	    || exit 1; \
	done

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
