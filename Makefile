# dmaudit — build entry points. Every target installs what it lacks (see `deps`).
MVN      ?= mvn
MVNFLAGS ?= -B -q -Dstyle.color=never
JAR      := target/dmaudit-all.jar
# JNA's resource prefix for this machine: linux-x86-64 or linux-aarch64.
PLATFORM := linux-$(subst _,-,$(subst arm64,aarch64,$(shell uname -m)))

.PHONY: test-deps all build install-lib test-embedder native-check test test-live test-unit bench deps clean native listen e2e e2e-history demo e2e-prep fuzz install uninstall man completion test-install gen-tables

all: build

# Installs the toolchain on a fresh Debian machine; a no-op when it is there.
deps:
	@./tools/ensure-deps

# The real programs the tests run (journald, promtool, rsyslogd, ausearch, e2fsprogs, …).
test-deps:
	@./tools/ensure-test-deps

build: deps
	$(MVN) $(MVNFLAGS) -DskipTests package
	@tools/cds-archive bin/dmaudit target/dmaudit.jsa || echo "build: no class-data-sharing archive: dmaudit starts ~90 ms slower"
	@echo "built $(JAR); run: bin/dmaudit --help"

# The library into the local Maven repository (~/.m2) for embedders: dev.dmaudit:dmaudit's jar,
# -sources.jar and -javadoc.jar (README "Library API").
# The published jar carries the shim for both architectures: the cross compiler is required here.
install-lib: deps
	@./tools/ensure-deps cross
	$(MVN) $(MVNFLAGS) -DskipTests -Dnative.cross.required=1 install

# The library as an agent's build gets it: artifacts in ~/.m2, no picocli/Jackson in its dependency
# tree, a throwaway project compiled against it decodes a log (and, as root, listens).
test-embedder: install-lib
	tools/test-embedder

# The shim for both architectures: built, loaded and asked its ABI version (the other one under
# qemu-user); installs the cross toolchain when it can, SKIPs that part when it cannot.
native-check: deps
	./tools/native-check

test: deps test-deps
	$(MVN) -B test

# The tests tagged @Live (root, kernel audit), or all the others.
test-live: deps test-deps
	$(MVN) -B test -Dgroups=live

test-unit: deps test-deps
	$(MVN) -B test -DexcludedGroups=live

# The Kafka sink's tests alone (tagged kafka: a real KRaft broker as a child JVM; ~1.5-2 min). make test runs them too.
.PHONY: test-kafka
test-kafka: deps
	$(MVN) -B test -Dgroups=kafka

native:
	$(MAKE) -C native OUT=$(CURDIR)/target/classes/$(PLATFORM)

listen: build
	bin/dmaudit listen

bench: deps
	./tools/run-bench

# Regression guard on the live kernel (root, auditd installed): dmaudit as the audit daemon must not
# slow audited processes more than auditd -n does (tools/bench-overload daemon; DAEMON_MAX_RATIO), on
# the medians of 3 rounds that also time the floors (no daemon; bench/recv.c --daemon).
bench-guard: build
	DAEMON_ROUNDS=$${DAEMON_ROUNDS:-3} ./tools/bench-overload daemon

# Long coverage-guided fuzzing run: each @FuzzTest for FUZZ_SECONDS (CI: ./tools/fuzz 30).
FUZZ_SECONDS ?= 600
fuzz: deps
	./tools/fuzz $(FUZZ_SECONDS)

# The tables that are generated, never typed, from the headers Debian ships: record types
# (tools/gen-record-types: linux-libc-dev, libaudit-dev) and --interpret's names
# (tools/gen-interpret-tables: linux-libc-dev, libc6-dev, linux-libc-dev-arm64-cross for aarch64).
# Commit the result; a header update shows as a diff.
gen-tables: deps
	@./tools/ensure-deps cross
	@test -f /usr/include/libaudit.h || apt-get install -y libaudit-dev
	./tools/gen-record-types
	./tools/gen-interpret-tables

clean:
	$(MVN) $(MVNFLAGS) clean
	$(MAKE) -C native clean

# Real-kernel end-to-end test: Debian's 6.1 kernel (CONFIG_DM_AUDIT=y) under qemu (TCG), host root
# over 9p, the dm-integrity procedure while a listener captures (see e2e/README.md).
# E2E_LISTENER=auto|dmaudit|standin; results, console.log and dmesg.txt in $(E2E_OUT)/.
# KERNEL=6.1 (default) or 6.12: which Debian kernel the guest boots (e2e/lib.sh, E2E_KERNEL).
KERNEL ?= 6.1
E2E_OUT ?= e2e-out$(if $(filter-out 6.1,$(KERNEL)),-$(KERNEL))
# LOCATE=0 skips the locate run (its eight filesystem stacks; CI runs them on 6.1 only).
LOCATE ?= 1

# Kernel download (cached in .vm-cache/), initramfs, stand-in listener; no VM run.
e2e-prep:
	E2E_KERNEL=$(KERNEL) e2e/fetch-kernel
	E2E_KERNEL=$(KERNEL) e2e/build-initramfs

e2e: build
	E2E_KERNEL=$(KERNEL) e2e/run-e2e $(E2E_OUT)
	$(if $(filter 1,$(LOCATE)),E2E_KERNEL=$(KERNEL) e2e/run-locate $(E2E_OUT)-locate)

# The device health history on the real kernel (issue 12): listen --history, report, check, ack.
e2e-history: build e2e-prep
	E2E_TIMEOUT=$${E2E_TIMEOUT:-1500} e2e/run-vm e2e/guest/history.sh $(E2E_OUT)-history
	e2e/check-e2e $(E2E_OUT)-history --check history

# Same VM run, with the procedure's steps and the listener's records printed live.
demo: build
	E2E_KERNEL=$(KERNEL) E2E_DEMO=1 e2e/run-e2e $(E2E_OUT)

# ---- make install (PREFIX, DESTDIR): layout in README "Install" ------------------------------------
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  := $(PREFIX)/lib/dmaudit
PICOCLI_VERSION := $(shell sed -n 's:.*<picocli.version>\(.*\)</picocli.version>.*:\1:p' pom.xml)
GEN     := target/install
# sqlite-jdbc's folder for this machine (the history's SQLite, loaded in place when installed).
SQLITE_ARCH := $(subst arm64,aarch64,$(shell uname -m))

# Man pages from the picocli model: picocli-codegen's ManPageGenerator writes AsciiDoc, asciidoctor
# turns it into troff (one page per command: dmaudit.1, dmaudit-listen.1, ...).
man: $(JAR)
	@./tools/ensure-deps man
	rm -rf $(GEN)/man $(GEN)/adoc
	$(MVN) $(MVNFLAGS) dependency:copy -Dartifact=info.picocli:picocli-codegen:$(PICOCLI_VERSION) \
	  -DoutputDirectory=$(CURDIR)/$(GEN)/codegen
	java -cp $(JAR):$(GEN)/codegen/picocli-codegen-$(PICOCLI_VERSION).jar \
	  picocli.codegen.docgen.manpage.ManPageGenerator --exit -d $(GEN)/adoc dev.dmaudit.cli.Main
	asciidoctor -b manpage -D $(GEN)/man $(GEN)/adoc/*.adoc

completion: $(JAR)
	@mkdir -p $(GEN)
	java -jar $(JAR) generate-completion > $(GEN)/dmaudit.bash

# Only when the jar is missing; `make build` rebuilds it.
$(JAR):
	$(MAKE) build

# The launcher's class-data-sharing archive, again when the jar is newer (tools/cds-archive).
target/dmaudit.jsa: $(JAR)
	tools/cds-archive bin/dmaudit $@

install: man completion
	rm -rf $(GEN)/native && mkdir -p $(GEN)/native
	cd $(GEN)/native && unzip -q -j ../../dmaudit-all.jar com/sun/jna/$(PLATFORM)/libjnidispatch.so $(PLATFORM)/libdmaudit.so \
	  org/sqlite/native/Linux/$(SQLITE_ARCH)/libsqlitejdbc.so
	sed 's|@LIBDIR@|$(LIBDIR)|g' contrib/dmaudit-installed.in > $(GEN)/dmaudit
	sed -e 's|^ExecStart=/usr/local/bin/dmaudit |ExecStart=$(PREFIX)/bin/dmaudit |' \
	  -e 's|--exec /usr/local/lib/dmaudit/hooks/|--exec $(LIBDIR)/hooks/|' contrib/dmaudit.service > $(GEN)/dmaudit.service
	install -d -m 0755 $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/native $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0644 $(JAR) $(DESTDIR)$(LIBDIR)/dmaudit.jar
	install -m 0755 $(GEN)/native/libjnidispatch.so $(GEN)/native/libdmaudit.so $(GEN)/native/libsqlitejdbc.so $(DESTDIR)$(LIBDIR)/native/
	install -m 0755 $(GEN)/dmaudit $(DESTDIR)$(PREFIX)/bin/dmaudit
	install -m 0644 $(GEN)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(GEN)/dmaudit.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/dmaudit
	install -m 0644 $(GEN)/dmaudit.service $(DESTDIR)$(PREFIX)/lib/systemd/system/dmaudit.service
	install -d -m 0755 $(DESTDIR)$(LIBDIR)/hooks
	install -m 0755 contrib/hooks/*.sh $(DESTDIR)$(LIBDIR)/hooks/
	install -m 0755 tools/cds-archive $(DESTDIR)$(LIBDIR)/cds-archive
	@# The archive must name the jar's final path: written here only without DESTDIR.
	@if [ -z "$(DESTDIR)" ]; then $(LIBDIR)/cds-archive $(PREFIX)/bin/dmaudit $(LIBDIR)/dmaudit.jsa || true; \
	else echo "install: with DESTDIR, run $(LIBDIR)/cds-archive $(PREFIX)/bin/dmaudit $(LIBDIR)/dmaudit.jsa once installed (faster start)"; fi
	if [ -f contrib/sysctl/60-dmaudit.conf ]; then \
	  install -d -m 0755 $(DESTDIR)$(PREFIX)/lib/sysctl.d && \
	  install -m 0644 contrib/sysctl/60-dmaudit.conf $(DESTDIR)$(PREFIX)/lib/sysctl.d/60-dmaudit.conf; fi

uninstall:
	rm -rf $(DESTDIR)$(LIBDIR)
	rm -f $(DESTDIR)$(PREFIX)/bin/dmaudit $(DESTDIR)$(PREFIX)/share/man/man1/dmaudit.1 \
	  $(DESTDIR)$(PREFIX)/share/man/man1/dmaudit-*.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/dmaudit \
	  $(DESTDIR)$(PREFIX)/lib/systemd/system/dmaudit.service $(DESTDIR)$(PREFIX)/lib/sysctl.d/60-dmaudit.conf

# make install into a temporary root, then the installed and the development launchers as `nobody`
# with newer sources around them and fake mvn/make first on PATH (tools/test-install).
test-install: $(JAR) target/dmaudit.jsa
	tools/test-install
