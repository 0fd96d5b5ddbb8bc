# dmaudit — build entry points. Every target installs what it lacks (see `deps`).
MVN      ?= mvn
MVNFLAGS ?= -B -q -Dstyle.color=never
JAR      := target/dmaudit-all.jar
# JNA's resource prefix for this machine: linux-x86-64 or linux-aarch64.
PLATFORM := linux-$(subst _,-,$(subst arm64,aarch64,$(shell uname -m)))

.PHONY: all build test bench deps clean native listen

all: build

# Installs the toolchain on a fresh Debian machine; a no-op when it is there.
deps:
	@./tools/ensure-deps

build: deps
	$(MVN) $(MVNFLAGS) -DskipTests package
	@echo "built $(JAR); run: bin/dmaudit --help"

test: deps
	$(MVN) -B test

native:
	$(MAKE) -C native OUT=$(CURDIR)/target/classes/$(PLATFORM)

listen: build
	bin/dmaudit listen

bench: deps
	./tools/run-bench

clean:
	$(MVN) $(MVNFLAGS) clean
	$(MAKE) -C native clean
