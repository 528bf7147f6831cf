# gmm-gpu: build, test and demo on Debian 12 (Swift at /opt/swift/usr/bin unless on PATH).

SHELL := /bin/bash

# Swift: use the one on PATH, else the toolchain's usual place on these machines.
SWIFT_BIN ?= /opt/swift/usr/bin
ifeq ($(shell command -v swift 2>/dev/null),)
export PATH := $(SWIFT_BIN):$(PATH)
endif

# Run-time and build-time libraries: OpenBLAS, the OpenCL loader and headers, PoCL (an
# OpenCL CPU device), CLBlast, clinfo for looking at OpenCL devices, chromium (headless) for
# the test that renders the HTML validation report, and HDF5 (event files; loaded at run time,
# so the binary runs without it, but the tests need it).
PACKAGES := libopenblas-dev ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libclblast-dev clinfo chromium libhdf5-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test demo docs clean swift-present

## deps: install, with apt-get, the Debian packages of PACKAGES that are missing.
deps:
	@missing=""; \
	for package in $(PACKAGES); do \
	  dpkg -s "$$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then \
	  echo "deps: all Debian packages present"; \
	else \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

swift-present:
	@command -v swift >/dev/null || { echo "swift not found: install Swift 6 (e.g. to $(SWIFT_BIN)) or put it on PATH" >&2; exit 1; }

## build: the release build (.build/release/gmm-gpu).
build: swift-present
	swift build -c release

## test: every test, in release mode (the 100k-row cases are slow in debug).
test: deps swift-present
	swift test -c release -Xswiftc -enable-testing

## demo: the Appendix-A toy end to end (generate, train, KL to the truth, the validation report, a reduced
## Figure-15 inference study, samples) into demo-output/.
demo: deps build
	.build/release/gmm-gpu devices
	.build/release/gmm-gpu demo --output demo-output

## docs: regenerate docs/cli.md from every subcommand's --help (a test checks it is up to date).
docs: build
	.build/release/gmm-gpu cli-reference --output docs/cli.md

## clean: remove the build folder.
clean:
	rm -rf .build
