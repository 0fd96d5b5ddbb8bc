# dmaudit — build entry points. Every target installs what it lacks (see `deps`).
MVN      ?= mvn
MVNFLAGS ?= -B -q -Dstyle.color=never
JAR      := target/dmaudit-all.jar
# JNA's resource prefix for this machine: linux-x86-64 or linux-aarch64.
PLATFORM := linux-$(subst _,-,$(subst arm64,aarch64,$(shell uname -m)))

.PHONY: all build test test-live test-unit bench deps clean native listen e2e demo e2e-prep fuzz

all: build

# Installs the toolchain on a fresh Debian machine; a no-op when it is there.
deps:
	@./tools/ensure-deps

build: deps
	$(MVN) $(MVNFLAGS) -DskipTests package
	@echo "built $(JAR); run: bin/dmaudit --help"

test: deps
	$(MVN) -B test

# The tests tagged @Live (root, kernel audit), or all the others.
test-live: deps
	$(MVN) -B test -Dgroups=live

test-unit: deps
	$(MVN) -B test -DexcludedGroups=live

native:
	$(MAKE) -C native OUT=$(CURDIR)/target/classes/$(PLATFORM)

listen: build
	bin/dmaudit listen

bench: deps
	./tools/run-bench

# Long coverage-guided fuzzing run: each @FuzzTest for FUZZ_SECONDS (CI: ./tools/fuzz 30).
FUZZ_SECONDS ?= 600
fuzz: deps
	./tools/fuzz $(FUZZ_SECONDS)

clean:
	$(MVN) $(MVNFLAGS) clean
	$(MAKE) -C native clean

# Real-kernel end-to-end test: Debian's 6.1 kernel (CONFIG_DM_AUDIT=y) under qemu (TCG), host root
# over 9p, the dm-integrity procedure while a listener captures (see e2e/README.md).
# E2E_LISTENER=auto|dmaudit|standin; results, console.log and dmesg.txt in $(E2E_OUT)/.
E2E_OUT ?= e2e-out

# Kernel download (cached in .vm-cache/), initramfs, stand-in listener; no VM run.
e2e-prep:
	e2e/fetch-kernel
	e2e/build-initramfs

e2e: build
	e2e/run-e2e $(E2E_OUT)

# Same VM run, with the procedure's steps and the listener's records printed live.
demo: build
	E2E_DEMO=1 e2e/run-e2e $(E2E_OUT)
