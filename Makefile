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

# One build serves every target: `make test` needs -enable-testing, and `make build`/`make demo`
# use the same flags, so a newcomer who runs both waits for one release build, not two.
BUILD_FLAGS := -c release -Xswiftc -enable-testing
PYTHON ?= python3

.PHONY: deps build test demo docs docc clean swift-present example-quick

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
	swift build $(BUILD_FLAGS)

## test: every test, in release mode (the 100k-row cases are slow in debug), then the Pythia
## workflow's quick variant (examples/z-pt-tune) end to end.
test: deps swift-present
	swift test $(BUILD_FLAGS)
	$(MAKE) example-quick

## example-quick: examples/z-pt-tune/workflow.py --quick (installs Pythia's pythia8mc wheel with pip
## when missing; skipped with a note where it cannot be installed), its closure.json checked.
example-quick: build
	@if $(PYTHON) -c "import pythia8mc" 2>/dev/null || $(PYTHON) -m pip install --quiet pythia8mc==8.317.2; then \
	  rm -rf .build/z-pt-tune-quick/closure && \
	  $(PYTHON) examples/z-pt-tune/workflow.py --quick --output .build/z-pt-tune-quick && \
	  $(PYTHON) examples/z-pt-tune/check_closure.py .build/z-pt-tune-quick/closure/closure.json; \
	else \
	  echo "example-quick: skipped: pythia8mc (Pythia 8) could not be installed with pip"; \
	fi

## demo: the Appendix-A toy end to end (generate, train, KL to the truth, the validation report, a reduced
## Figure-15 inference study, samples) into demo-output/.
demo: deps build
	.build/release/gmm-gpu devices
	.build/release/gmm-gpu demo --output demo-output

## docs: regenerate docs/cli.md from every subcommand's --help (a test checks it is up to date).
docs: build
	.build/release/gmm-gpu cli-reference --output docs/cli.md

## docc: build the DocC catalogues of GMMKit and GMMCompute (Sources/*/*.docc, the API's /// comments)
## into .build/docc/, failing on any warning (a broken symbol link, an undocumented parameter).
docc: swift-present
	swift package --scratch-path .build/docc --disable-sandbox generate-documentation --target GMMCompute --target GMMKit --warnings-as-errors

## clean: remove the build folder.
clean:
	rm -rf .build
