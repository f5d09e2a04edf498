# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands of the README, and a few more:
#   make run    install missing packages, build (build/release), run examples/ei_balanced.yaml
#   make test   install missing packages, build and run every test, then again
#               with AddressSanitizer and UndefinedBehaviorSanitizer (build/asan)
#   make docs   regenerate the README's model table and C example from their sources
#   make bench  time the example networks (bench/run.sh)
#   make clean  remove build/ and out/
#
# The build itself is CMake's; this file only strings the steps together.

JOBS ?= 2
RELEASE_DIR := build/release
ASAN_DIR := build/asan
SOMA := $(RELEASE_DIR)/tools/soma/soma

# Keep this make's flags out of the make that CMake drives.
SUBMAKE := env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS

.PHONY: all run test deps release asan test-release test-asan docs bench clean

all: release

deps:
	@sh scripts/install-deps.sh

release: deps
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release
	$(SUBMAKE) cmake --build $(RELEASE_DIR) -j $(JOBS)

# -O1 keeps the sanitized run fast while leaving the stack traces readable.
asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DSOMA_SANITIZE=ON \
		-DCMAKE_C_FLAGS_DEBUG="-g -O1"
	$(SUBMAKE) cmake --build $(ASAN_DIR) -j $(JOBS)

run: release
	$(SOMA) run examples/ei_balanced.yaml

test-release: release
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)

# One after the other, also under make -j.
test:
	@$(MAKE) --no-print-directory test-release
	@$(MAKE) --no-print-directory test-asan

docs: release
	sh scripts/readme.sh update all $(SOMA)

bench: release
	bash bench/run.sh $(SOMA)
	bash bench/validate_neurons.sh $(SOMA)

clean:
	rm -rf build out
