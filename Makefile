# SPDX-License-Identifier: MIT
# Makefile - a thin driver over CMake. Build directories live under build/.
#
#   make / make all    release build (-O2) in build/release: libs, CLI, bench, examples
#   make demo          release build, then `sseval check demo/recording.sse`
#   make test          gcc ASan+UBSan -Werror build + ctest -j3 -LE long
#                      (build/test; three at once: some tests mostly wait on
#                      timers and sockets) and a clang -Werror build of the
#                      library and CLI (build/clang; the static library: on
#                      Linux the shared one is the same code); about 3 minutes
#                      on 2 quiet cores. tests/README.md: adding tests, the
#                      time budget
#   make test-long     the long tests (ctest -L long): static analysers, fuzz
#                      smoke runs (builds build/fuzz), amalgamation, C++ header,
#                      installed and embedded package, the portable CLI's
#                      script twins, valgrind over the CLI (builds
#                      build/clang); CI runs it after `make test`
#   make fuzz          clang libFuzzer build (build/fuzz) + a short run of each target
#   make bench         release build, then bench/run.sh
#   make install       installs the release build into $(DESTDIR)$(PREFIX)
#   make package       Debian packages (debian/): `cmake/deps.sh package`, then
#                      tests/package.sh: dpkg-buildpackage -us -uc -b in a copy
#                      of the tree ($(B)/package/*.deb), consumers built against
#                      the unpacked packages, as root also dpkg -i then purge
#                      (PACKAGE_INSTALL=0: not), lintian; CI runs it after
#                      `make test` and `make test-long`
#   make clean         removes build/
#   make fuzz-long | fuzz-coverage | amalgamation | docs
#                      run fuzz/long.sh, fuzz/coverage.sh, tools/amalgamate.sh,
#                      docs/gen.sh (scripts get SSEVAL_SRC and SSEVAL_BUILD)
#
# `make`, `make install` need only a C compiler and CMake (libcurl headers for
# the optional binding) and install nothing. `make demo` first runs
# `cmake/deps.sh build`, `make test` and the other development targets
# `cmake/deps.sh test`: they install the missing Debian packages when run as
# root, or print the apt-get line to run.

CMAKE        ?= cmake
CTEST        ?= ctest
PREFIX       ?= /usr/local
DESTDIR      ?=
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 10
TEST_JOBS    ?= 3
PACKAGE_INSTALL ?= 1
CLANG        ?= clang
CLANGXX      ?= clang++

B     := build
SRC   := $(CURDIR)
MAKEFLAGS += --no-print-directory

# Configure quietly: status chatter (stdout) dropped, warnings, errors and the
# one-line summary (stderr) kept; no per-file progress lines when building.
CONFIGURE = $(CMAKE) -S . -B $(1) -Wno-dev --no-warn-unused-cli -DCMAKE_RULE_MESSAGES=OFF

RELEASE_OPTS := -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  "-DCMAKE_INSTALL_PREFIX=$(PREFIX)" \
  -DSSEVAL_BUILD_TESTS=OFF -DSSEVAL_BUILD_BENCH=ON -DSSEVAL_BUILD_EXAMPLES=ON

TEST_OPTS := -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_C_FLAGS_DEBUG=-g -O1" "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" \
  -DSSEVAL_SANITIZE=ON -DSSEVAL_WERROR=ON \
  -DSSEVAL_BUILD_TESTS=ON -DSSEVAL_BUILD_BENCH=ON -DSSEVAL_BUILD_EXAMPLES=ON

CLANG_OPTS := -DCMAKE_C_COMPILER=$(CLANG) -DCMAKE_CXX_COMPILER=$(CLANGXX) \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DSSEVAL_WERROR=ON \
  -DSSEVAL_BUILD_TESTS=OFF -DSSEVAL_BUILD_BENCH=OFF -DSSEVAL_BUILD_EXAMPLES=OFF

FUZZ_OPTS := -DCMAKE_C_COMPILER=$(CLANG) -DCMAKE_CXX_COMPILER=$(CLANGXX) \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" \
  -DSSEVAL_FUZZ=ON -DSSEVAL_FUZZ_SECONDS=$(FUZZ_SECONDS) \
  -DSSEVAL_BUILD_TESTS=OFF -DSSEVAL_BUILD_BENCH=OFF -DSSEVAL_BUILD_EXAMPLES=OFF

# $(call run_script,<script>,<build dir>): run a script written elsewhere.
define run_script
	@if [ -f $(1) ]; then \
	  SSEVAL_SRC="$(SRC)" SSEVAL_BUILD="$(SRC)/$(2)" SSEVAL_BIN="$(SRC)/$(B)/release/sseval" \
	  CMAKE="$(CMAKE)" JOBS="$(JOBS)" bash $(1); \
	else echo "make $@: $(1) does not exist yet"; exit 1; fi
endef

.PHONY: all release demo test test-long fuzz fuzz-build bench install package clean deps deps-build have-cmake \
        fuzz-long fuzz-coverage amalgamation docs help

all: release

deps:
	@sh cmake/deps.sh test

deps-build:
	@sh cmake/deps.sh build

have-cmake:
	@command -v $(CMAKE) >/dev/null 2>&1 || { \
	  echo "make: $(CMAKE) not found: install CMake and a C compiler (Debian: apt-get install cmake gcc make)"; \
	  exit 1; }

release: have-cmake
	@$(call CONFIGURE,$(B)/release) $(RELEASE_OPTS) >/dev/null
	@$(CMAKE) --build $(B)/release -j$(JOBS)

demo: deps-build
	@$(call CONFIGURE,$(B)/release) $(RELEASE_OPTS) >/dev/null
	@$(CMAKE) --build $(B)/release -j$(JOBS) --target sseval_cli
	@test -f demo/recording.sse || { echo "make demo: demo/recording.sse is missing"; exit 1; }
	@echo "==> sseval check demo/recording.sse   (a real Claude stream, recorded against the API)"
	@$(B)/release/sseval check demo/recording.sse
	@echo
	@echo "==> the same stream cut after 2000 bytes, as a dropped connection leaves it (exit code 2: truncated)"
	@head -c 2000 demo/recording.sse | $(B)/release/sseval check; rc=$$?; \
	  echo "    exit code $$rc"; test $$rc -eq 2

# The builds `make test` and `make test-long` share: the gcc ASan+UBSan
# -Werror test build, and the clang -Werror build of the library and CLI
# (uninstrumented: valgrind runs it; gen's bytes are compared with gcc's).
define build_test
	@echo "==> gcc build, ASan+UBSan, -Werror ($(B)/test)"
	@$(call CONFIGURE,$(B)/test) $(TEST_OPTS) >/dev/null
	@$(CMAKE) --build $(B)/test -j2
endef
define build_clang
	@echo "==> clang build of the library and CLI, -Werror ($(B)/clang)"
	@$(call CONFIGURE,$(B)/clang) $(CLANG_OPTS) >/dev/null
	@$(CMAKE) --build $(B)/clang -j2 --target sseval_cli
endef

test: deps
	$(build_test)
	$(build_clang)
	@echo "==> sseval gen: the same bytes from the gcc and the clang build (the stable format)"
	@for s in realistic single longlines small_events cr crlf multiline longtext tiny; do \
	  a=$$($(B)/test/sseval gen --quiet --seed 3 --count 3 --concat --shape $$s --size 40k | cksum); \
	  b=$$($(B)/clang/sseval gen --quiet --seed 3 --count 3 --concat --shape $$s --size 40k | cksum); \
	  [ "$$a" = "$$b" ] || { echo "sseval gen --shape $$s: the gcc and clang builds differ"; exit 1; }; \
	done
	@a=$$($(B)/test/sseval gen --quiet --seed 5 --count 40 --concat --broken any | cksum); \
	  b=$$($(B)/clang/sseval gen --quiet --seed 5 --count 40 --concat --broken any | cksum); \
	  [ "$$a" = "$$b" ] || { echo "sseval gen --broken any: the gcc and clang builds differ"; exit 1; }
	@if command -v npm >/dev/null 2>&1 && [ ! -d tests/conformance/node_modules/@anthropic-ai/sdk ]; then \
	  echo "==> npm peers for tests/gen_sdk.py (tests/conformance/package.json, pinned)"; \
	  (cd tests/conformance && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) || \
	  echo "==> npm ci failed: tests/gen_sdk.py will be skipped"; fi
	@echo "==> ctest ($(B)/test), all but the long tests (make test-long)"
	@cd $(B)/test && $(CTEST) --output-on-failure -j$(TEST_JOBS) -LE long

# The long tests (label `long`, CMakeLists.txt): the static analysers, the
# fuzz smoke runs, the amalgamation, the C++ header under both compilers, the
# installed and the embedded package, the portable CLI's script twins,
# valgrind over the CLI. Same build/test and build/clang as `make test`
# (built here if they are not), plus the fuzz targets in build/fuzz.
test-long: deps
	$(build_test)
	$(build_clang)
	@if command -v $(CLANG) >/dev/null 2>&1; then \
	  echo "==> clang libFuzzer build for the fuzz smoke test ($(B)/fuzz)"; \
	  $(call CONFIGURE,$(B)/fuzz) $(FUZZ_OPTS) >/dev/null && \
	  $(CMAKE) --build $(B)/fuzz -j2 --target sseval_fuzzers; \
	else echo "==> no $(CLANG): the fuzz smoke test is skipped"; fi
	@echo "==> ctest ($(B)/test), the long tests"
	@cd $(B)/test && $(CTEST) --output-on-failure -j2 -L long

fuzz-build: deps
	@$(call CONFIGURE,$(B)/fuzz) $(FUZZ_OPTS) >/dev/null
	@$(CMAKE) --build $(B)/fuzz -j$(JOBS)

fuzz: fuzz-build
	@echo "==> fuzz smoke run, $(FUZZ_SECONDS) s per target ($(B)/fuzz/fuzz)"
	@cd $(B)/fuzz && $(CTEST) --output-on-failure -j2 -L fuzz

bench: release
	@SSEVAL_EXTRA_DEPS="hyperfine gnuplot-nox" sh cmake/deps.sh
	@if [ -f bench/run.sh ]; then \
	  SSEVAL_SRC="$(SRC)" SSEVAL_BUILD="$(SRC)/$(B)/release" SSEVAL_BIN="$(SRC)/$(B)/release/sseval" \
	  bash bench/run.sh; \
	else echo "make bench: bench/run.sh does not exist yet; benchmarks are in $(B)/release/bench/"; fi

install: release
	@DESTDIR="$(DESTDIR)" $(CMAKE) --install $(B)/release >/dev/null
	@echo "installed into $(DESTDIR)$(PREFIX)"

package:
	@sh cmake/deps.sh package
	@echo "==> Debian packages: dpkg-buildpackage -us -uc -b in $(B)/package, then tests/package.sh"
	@SSEVAL_SRC="$(SRC)" SSEVAL_BUILD="$(SRC)/$(B)" SSEVAL_PACKAGE_INSTALL="$(PACKAGE_INSTALL)" \
	  JOBS="$(JOBS)" bash tests/package.sh
	@echo "==> the packages: $$(cd $(B)/package && ls *.deb | tr '\n' ' ')(in $(B)/package)"

fuzz-long: fuzz-build
	$(call run_script,fuzz/long.sh,$(B)/fuzz)

fuzz-coverage: deps
	$(call run_script,fuzz/coverage.sh,$(B)/coverage)

amalgamation: deps
	$(call run_script,tools/amalgamate.sh,$(B)/amalgamation)

docs: deps
	$(call run_script,docs/gen.sh,$(B)/docs)

clean:
	rm -rf $(B)

help:
	@awk 'NR < 4 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' Makefile
