# dmaudit — build entry points. Every target installs what it lacks (see `deps`).
MVN      ?= mvn
MVNFLAGS ?= -B -q
JAR      := target/dmaudit-all.jar

.PHONY: all build test bench deps clean native listen fuzz

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
	$(MAKE) -C native OUT=$(CURDIR)/target/classes/linux-x86-64

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
