#!/usr/bin/env bash
# The dm-integrity seed procedure (the one that made src/test/resources/kernel-6.1-dm-integrity), run INSIDE the
# guest (see e2e/run-vm) as root against the guest kernel:
#   integritysetup format (no journal, sha256, 32-byte tags) on a loop device over a 32 MiB file in
#   /tmp, open "integritytest", status, close, open, write a marker at logical sector 20000 through
#   the mapping, find it in the backing file and corrupt that sector through the loop device, read
#   the mapping (expect an I/O error), status (expect failures > 0), close; then a deliberately
#   failing `dmsetup create badint` on a never-formatted device (expect failure); then a third
#   device on the same number ("reusedint": format, open, corrupt, read one sector, close).
#
# Each step goes to $E2E_OUT/steps.log:  "### <epoch> up=<uptime> + <command>", its output, then
# "### <epoch> up=<uptime> rc=<N> expect=<ok|fail> OK|UNEXPECTED". Exits non-zero if any step did
# not behave as expected. Knobs: E2E_MARKER_SECTOR (20000), E2E_IMG_MB (32), E2E_WORKDIR (/tmp/dmtest).
set -uo pipefail

OUT=${E2E_OUT:?E2E_OUT not set (run me through e2e/run-vm)}
STEPS=$OUT/steps.log
SECTOR=${E2E_MARKER_SECTOR:-20000}
IMG_MB=${E2E_IMG_MB:-32}
WORK=${E2E_WORKDIR:-/tmp/dmtest}
NAME=integritytest
export DM_DISABLE_UDEV=1
unexpected=0

now() { printf '%s up=%s' "$(date +%s.%N)" "$(cut -d' ' -f1 /proc/uptime)"; }
note() { echo "### $*" >> "$STEPS"; echo "[step] $*"; }

# step EXPECT CMD...   EXPECT: ok (rc 0) | fail (rc != 0) | any
step() {
  local expect=$1 rc verdict; shift
  echo "### $(now) + $*" >> "$STEPS"
  echo "[step] + $*"
  "$@" >> "$STEPS" 2>&1
  rc=$?
  case $expect in
    ok)   ((rc == 0)) && verdict=OK || verdict=UNEXPECTED ;;
    fail) ((rc != 0)) && verdict=OK || verdict=UNEXPECTED ;;
    *)    verdict=OK ;;
  esac
  echo "### $(now) rc=$rc expect=$expect $verdict" >> "$STEPS"
  echo "[step]   rc=$rc ($verdict)"
  [[ $verdict == OK ]] || unexpected=$((unexpected + 1))
  return $rc
}
abort() { note "ABORT: $*"; exit 1; }

: > "$STEPS"
note "kernel $(uname -r) cmdline: $(cat /proc/cmdline)"
note "$(integritysetup --version); $(dmsetup version 2>&1 | tr '\n' ' ')"
grep -q device-mapper /proc/devices || abort "no device-mapper in the guest kernel"

# corrupt_sector MAPPING LOOP IMG SECTOR: write a 512-byte marker unique to this run at logical
# SECTOR through the mapping, find it in the backing file IMG (the data copy sits past the logical
# offset, metadata precedes data: take the last sector-aligned match there) and overwrite that
# sector on the backing LOOP device (conv=notrunc,fsync and O_DIRECT so it reaches the file).
corrupt_sector() {
  local map=$1 loop=$2 img=$3 sector=$4 marker raw="" off _
  marker="DMAUDIT-E2E-MARKER-$(date +%s%N)-$RANDOM"
  { printf '%s' "$marker"; head -c $((512 - ${#marker})) /dev/zero; } > marker.bin
  step ok dd if=marker.bin of=/dev/mapper/$map bs=512 count=1 seek="$sector" oflag=direct conv=fsync \
    || abort "marker write to $map failed"
  while IFS=: read -r off _; do
    ((off % 512 == 0 && off >= sector * 512)) && raw=$((off / 512))
  done < <(grep -obUa "$marker" "$img")
  note "marker matches in $img (byte offsets): $(grep -obUa "$marker" "$img" | cut -d: -f1 | tr '\n' ' ')"
  [[ -n $raw ]] || abort "marker not found in $img"
  note "marker for logical sector $sector of $map found at raw sector $raw of $loop"
  step ok dd if=/dev/urandom of="$loop" bs=512 count=1 seek="$raw" conv=notrunc,fsync oflag=direct
}

mkdir -p "$WORK" && cd "$WORK" || abort "cannot use $WORK"
step ok dd if=/dev/zero of=test.img bs=1M count="$IMG_MB" || abort "cannot create test.img"
LOOP=$(losetup -f --show test.img) || abort "losetup failed"
note "backing loop device $LOOP over $WORK/test.img"
step ok losetup -a

step ok integritysetup -v --batch-mode format --integrity sha256 -t 32 -D "$LOOP" || abort "format failed"
step ok integritysetup open -D "$LOOP" --integrity sha256 "$NAME" || abort "open failed"
step ok integritysetup status "$NAME"
step ok integritysetup close "$NAME"
step ok integritysetup open -D "$LOOP" --integrity sha256 "$NAME" || abort "re-open failed"

corrupt_sector "$NAME" "$LOOP" test.img "$SECTOR"

step fail dd if=/dev/mapper/$NAME of=/dev/null
grep -q 'Input/output error' <(tail -5 "$STEPS") && note "read failed with an I/O error, as expected" \
  || { note "UNEXPECTED: no I/O error reading the mapping"; unexpected=$((unexpected + 1)); }

step ok integritysetup status "$NAME"
failures=$(tail -20 "$STEPS" | sed -n 's/^ *failures: *//p' | tail -1)
if [[ ${failures:-0} =~ ^[0-9]+$ ]] && ((failures > 0)); then note "status shows failures: $failures, as expected"
else note "UNEXPECTED: status shows failures: ${failures:-?}"; unexpected=$((unexpected + 1)); fi
# The project's own wrapper must report the same failures (checked by e2e/checks/dmaudit_json.py).
if [[ -x ${E2E_REPO:-}/bin/dmaudit ]]; then
  note "+ dmaudit integrity status $NAME --format json"
  ( cd "$E2E_REPO" && DMAUDIT_NO_REBUILD=1 bin/dmaudit integrity status "$NAME" --format json ) \
    > "$OUT/dmaudit-integrity-status.json" 2>> "$STEPS"
  note "  rc=$? $(cat "$OUT/dmaudit-integrity-status.json")"
  # dmsetup through the wrapper on a real device: info (explicit fields + separator), table, status.
  for sub in info table status; do
    note "+ dmaudit dm $sub $NAME --format json"
    ( cd "$E2E_REPO" && DMAUDIT_NO_REBUILD=1 bin/dmaudit dm "$sub" "$NAME" --format json ) \
      > "$OUT/dmaudit-dm-$sub.json" 2>> "$STEPS"
    note "  rc=$? $(cat "$OUT/dmaudit-dm-$sub.json")"
  done
fi

step ok integritysetup close "$NAME"
step ok losetup -d "$LOOP"

# A constructor that must fail: integrity target on a device that was never formatted. Random
# content, not zeros: dm-integrity formats an all-zero superblock itself and the create succeeds.
step ok dd if=/dev/urandom of=bad.img bs=1M count=4
LOOP2=$(losetup -f --show bad.img) || abort "losetup for bad.img failed"
note "unformatted loop device $LOOP2 over $WORK/bad.img"
step fail dmsetup create badint --table "0 1000 integrity $LOOP2 0 32 J 1 internal_hash:sha256"
if dmsetup info badint >/dev/null 2>&1; then step any dmsetup remove badint; fi
step ok losetup -d "$LOOP2"

# A third owner of the same number (the kernel reuses 254:0 at once): format, open, corrupt, read.
# e2e/checks/device_reuse.py asserts that no event names a former (or later) owner of the number.
REUSE=${E2E_REUSE_NAME:-reusedint}
REUSE_SECTOR=${E2E_REUSE_SECTOR:-3000}
step ok dd if=/dev/zero of=reuse.img bs=1M count=16
LOOP3=$(losetup -f --show reuse.img) || abort "losetup for reuse.img failed"
note "third device's loop device $LOOP3 over $WORK/reuse.img"
step ok integritysetup -v --batch-mode format --integrity sha256 -t 32 -D "$LOOP3" || abort "format of reuse.img failed"
step ok integritysetup open -D "$LOOP3" --integrity sha256 "$REUSE" || abort "open $REUSE failed"
majmin=$(dmsetup info -c --noheadings -o major,minor --separator : "$REUSE")
note "$REUSE is $majmin (diskseq $(cat "/sys/dev/block/$majmin/diskseq" 2>/dev/null))"
corrupt_sector "$REUSE" "$LOOP3" reuse.img "$REUSE_SECTOR"
step fail dd if=/dev/mapper/$REUSE of=/dev/null bs=512 skip="$REUSE_SECTOR" count=1 iflag=direct
step ok integritysetup status "$REUSE"
step ok integritysetup close "$REUSE"
step ok losetup -d "$LOOP3"

note "procedure done: $unexpected unexpected step result(s)"
((unexpected == 0))
