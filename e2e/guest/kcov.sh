#!/usr/bin/env bash
# Kernel coverage: triggers every device-mapper audit op of mainline on the guest kernel while
# dmaudit listens, beside two reference captures (nlcap: audit records; uevcap.py: kernel uevents).
# Runs INSIDE the guest (e2e/run-vm), on its own or as step 3c of e2e/guest/e2e.sh (after the
# main listeners stopped, so their checks see only the seed procedure).
#
#   integrity: ctr, dtr (open/close), failed ctr + dtr, integrity-replay-journal (a crash-consistent
#              copy of a device with a committed journal, its journal data corrupted, reopened),
#              mac-journal (the same with --journal-integrity hmac-sha256 and the journal
#              metadata corrupted), mac-superblock (open with the wrong journal MAC key);
#              integrity-checksum is the seed procedure's; journal-checksum is compiled out
#              (docs/kernel-facts.md) and checked absent
#   crypt:     ctr, dtr (LUKS2 + hmac-sha256 integrity), integrity-aead (read of a never-written
#              sector of a --integrity-no-wipe device), failed ctr + dtr (bad key)
#   verity:    ctr, dtr, verify-data (corrupt data block, default EIO mode), max-corrupted-errors
#              (the 100th error of one table), verify-metadata (corrupt hash block), failed
#              ctr + dtr (bad block size), ignore_corruption mode (uevents only)
#   inline:    dm-integrity 'I' mode (6.11+): refused on scsi_debug with T10 PI; built on an NVMe
#              namespace with metadata (e2e/run-vm), one sector corrupted beneath it and read, the
#              record then located with `dmaudit locate` (inline-locate.json)
#
# Results in $E2E_OUT/kcov/: steps.log (each step, output, status), listen.jsonl (dmaudit),
# records-reference.txt (nlcap), uevents.hex (uevcap), facts.env (numbers the check needs:
# devices, blocks, sectors), run status in $E2E_OUT/run.env (KCOV_*). Checked on the host by
# e2e/checks/kcov.py. Exit status: 0 when the listeners started and stopped cleanly; what the
# kernel did is judged by the check.
set -uo pipefail

OUT=${E2E_OUT:?E2E_OUT not set (run me through e2e/run-vm)}
REPO=${E2E_REPO:?E2E_REPO not set}
K=$OUT/kcov
mkdir -p "$K"
STEPS=$K/steps.log
FACTS=$K/facts.env
WORK=${E2E_KCOV_WORKDIR:-/tmp/kcov}
export DM_DISABLE_UDEV=1 DMAUDIT_NO_REBUILD=1
export DMAUDIT_JAVA_OPTS=${DMAUDIT_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
NLCAP=${E2E_NLCAP:-$REPO/.vm-cache/bin/nlcap}
# --group-timeout 12s: under emulation on a loaded host an ioctl can outlast the default 300 ms, and
# its SYSCALL record (written when it returns) would then miss its event (e2e/README.md, pitfalls).
# 12 s also makes dm-verity's max-corrupted-errors (no EOE: completed by the timeout) complete after
# its table's close and the next table's open on the same device number (3-6 s later here), so its
# name is checked in the order that once gave it the next table's name.
LISTEN_CMD=${E2E_KCOV_LISTENER_CMD:-bin/dmaudit listen --group-timeout 12s --format json --output $K/listen.jsonl}
failed=0
: > "$STEPS"; : > "$FACTS"

now() { printf '%s up=%s' "$(date +%s.%N)" "$(cut -d' ' -f1 /proc/uptime)"; }
say() { echo "[kcov] $(cut -d' ' -f1 /proc/uptime)s $*"; echo "### $*" >> "$STEPS"; }
fact() { printf '%s=%q\n' "$1" "$2" >> "$FACTS"; say "fact $1=$2"; }
runenv() { [[ -f $OUT/run.env ]] && printf '%s=%q\n' "$1" "$2" >> "$OUT/run.env"; return 0; }
# step CMD... : logs the command, its output and status; returns the status.
step() {
  local rc
  echo "### $(now) + $*" >> "$STEPS"
  "$@" >> "$STEPS" 2>&1
  rc=$?
  echo "### $(now) rc=$rc" >> "$STEPS"
  echo "[kcov]   rc=$rc  $*" | cut -c1-160
  return $rc
}
majmin() { dmsetup info -c --noheadings -o major,minor --separator : "$1" 2>/dev/null; }
loopdev() { local d; d=$(basename "$1"); cat "/sys/class/block/$d/dev"; }
# A crash-consistent copy: what the backing file holds now, while the device stays open.
crashcopy() { cp --sparse=never "$1" "$2"; }
# corrupt FILE BYTE_OFFSET LEN: overwrites LEN bytes with random ones, in place.
corrupt() { dd if=/dev/urandom of="$1" bs=1 seek="$2" count="$3" conv=notrunc status=none; }
first_offset() { grep -obUa "$2" "$1" | head -1 | cut -d: -f1; }
# direct_reads MAPPING BLOCK N: N O_DIRECT reads of one 4 KiB block (no page cache: each one reaches
# the target); prints how many failed.
direct_reads() {
  local i bad=0
  for ((i = 0; i < $3; i++)); do
    dd if="/dev/mapper/$1" of=/dev/null bs=4096 skip="$2" count=1 iflag=direct status=none 2>/dev/null || bad=$((bad + 1))
  done
  echo "$bad"
}
connects() { dmesg 2>/dev/null | grep -c 'nl-mcgrp=1 op=connect' || true; }

mkdir -p "$WORK" && cd "$WORK" || { say "cannot use $WORK"; exit 1; }
say "kernel $(uname -r); $(integritysetup --version); $(veritysetup --version)"
fact KCOV_KERNEL "$(uname -r)"

# ---- listeners -----------------------------------------------------------------------------------
pids=()
joins=1
base=$(connects)
if [[ -x $NLCAP ]]; then
  joins=2
  "$NLCAP" -o "$K/records-reference.txt" -r "$K/.nlcap.ready" 2>"$K/nlcap.stderr" & pids+=($!)
fi
/usr/bin/python3 "$REPO/e2e/guest/uevcap.py" "$K/uevents.hex" "$K/.uevcap.ready" 2>"$K/uevcap.stderr" & pids+=($!)
( cd "$REPO" && exec bash -c "exec $LISTEN_CMD" ) >"$K/listener.stdout" 2>"$K/listener.stderr" &
lis=$!
# A cold JVM under TCG on a loaded host took over 180 s to join (seen at load average 20): wait
# long, and run nothing until every listener has joined (a record before that would be missing
# from dmaudit's output and fail the accounting for a reason that is not dmaudit's).
deadline=$((SECONDS + ${E2E_KCOV_LISTENER_WAIT:-600}))
until (( $(connects) >= base + joins )) && [[ -e $K/.uevcap.ready ]]; do
  kill -0 "$lis" 2>/dev/null || { say "FAIL: the listener exited early"; sed 's/^/    /' "$K/listener.stderr"; failed=1; break; }
  ((SECONDS > deadline)) && { say "FAIL: the listeners did not all join within ${E2E_KCOV_LISTENER_WAIT:-600}s"; failed=1; break; }
  sleep 0.2
done
say "listeners up (dmaudit pid $lis; $(( $(connects) - base )) of $joins joins seen)"
if ((failed)); then
  kill -TERM "$lis" "${pids[@]}" 2>/dev/null; wait
  runenv KCOV_OUTPUT kcov/listen.jsonl; runenv KCOV_RC 1
  exit 1
fi

# ---- dm-integrity: journal replay, journal MAC, superblock MAC ------------------------------------
say "integrity: a committed journal replayed from a crash-consistent copy with corrupted journal data"
step dd if=/dev/zero of=j.img bs=1M count=16 status=none
LJ=$(losetup -f --show j.img)
step integritysetup format --batch-mode --integrity sha256 "$LJ"
step integritysetup open --integrity sha256 "$LJ" kjournal
marker="KCOV-JOURNAL-$(date +%s%N)"
{ printf '%s' "$marker"; head -c $((4096 - ${#marker})) /dev/zero; } > jmarker.bin
# O_DIRECT + fsync: the write is committed to the journal; write-back to the data area waits.
step dd if=jmarker.bin of=/dev/mapper/kjournal bs=4096 count=1 seek=100 oflag=direct conv=fsync
crashcopy j.img jcrash.img
step integritysetup close kjournal
losetup -d "$LJ"
off=$(first_offset jcrash.img "$marker")
say "journal marker at byte ${off:-none} of the crash copy ($(grep -c "$marker" jcrash.img 2>/dev/null) matching lines)"
[[ -n $off ]] && corrupt jcrash.img "$((off + 64))" 64
LJ2=$(losetup -f --show jcrash.img)
step integritysetup open --integrity sha256 "$LJ2" kreplay
fact KCOV_REPLAY_DEV "$(majmin kreplay)"
step integritysetup status kreplay
step integritysetup close kreplay
losetup -d "$LJ2"

say "integrity: journal MAC (hmac-sha256) with corrupted journal metadata; then the wrong key"
head -c 32 /dev/urandom > jmac.key
head -c 32 /dev/urandom > jmac-wrong.key
MACOPT=(--integrity sha256 --journal-integrity hmac-sha256 --journal-integrity-key-file jmac.key --journal-integrity-key-size 32)
step dd if=/dev/zero of=m.img bs=1M count=16 status=none
LM=$(losetup -f --show m.img)
step integritysetup format --batch-mode "${MACOPT[@]}" "$LM"
step integritysetup open "${MACOPT[@]}" "$LM" kmac
step dd if=jmarker.bin of=/dev/mapper/kmac bs=4096 count=1 seek=100 oflag=direct conv=fsync
crashcopy m.img mcrash.img
step integritysetup close kmac
step integritysetup dump "$LM"
# Replay checks the MAC of each committed section it replays (do_journal_write, from_replay): the
# section MAC is kept in the first sectors of the section, 8 bytes at byte 496 of each 512-byte
# journal sector (the last 8 are the commit id, which must stay intact for the section to count as
# committed). Flip one MAC byte in every journal sector from the end of the 4 KiB superblock up to
# the marker (in the data sectors of the committed section).
moff=$(first_offset mcrash.img "$marker")
say "journal marker at byte ${moff:-none} of the MAC crash copy"
if [[ -n $moff ]]; then
  /usr/bin/python3 - mcrash.img "$moff" <<'PY' >> "$STEPS" 2>&1
import sys
path, end = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    n = 0
    for off in range(4096 + 496, end, 512):
        f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 0xFF])); n += 1
print(f"flipped the MAC byte of {n} journal sectors")
PY
fi
LM2=$(losetup -f --show mcrash.img)
step integritysetup open "${MACOPT[@]}" "$LM2" kmacj
fact KCOV_MACJ_DEV "$(majmin kmacj)"
step integritysetup close kmacj
losetup -d "$LM2"
# Superblock MAC: the right superblock, the wrong key (a failing open: mac-superblock + ctr res=0 + dtr).
step integritysetup open --integrity sha256 --journal-integrity hmac-sha256 --journal-integrity-key-file jmac-wrong.key \
  --journal-integrity-key-size 32 "$LM" kmacsb
fact KCOV_MACSB_RC $?
dmsetup info kmacsb >/dev/null 2>&1 && step dmsetup remove kmacsb
losetup -d "$LM"

# ---- dm-crypt: LUKS2 with integrity (AEAD: aes-xts + hmac-sha256) -----------------------------------
say "crypt: LUKS2 + hmac-sha256 integrity, no wipe; read a never-written block"
step dd if=/dev/zero of=c.img bs=1M count=24 status=none
LC=$(losetup -f --show c.img)
fact KCOV_CRYPT_LOOP "$(loopdev "$LC")"
head -c 32 /dev/urandom > c.key
step cryptsetup luksFormat --batch-mode --type luks2 --integrity hmac-sha256 --integrity-no-wipe \
  --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --sector-size 512 --key-file c.key "$LC"
step cryptsetup open --key-file c.key "$LC" kcrypt
fact KCOV_CRYPT_DEV "$(majmin kcrypt)"
fact KCOV_CRYPT_DIF "$(majmin kcrypt_dif)"
step dmsetup table kcrypt
step dd if=/dev/mapper/kcrypt of=/dev/null bs=4096 skip=10 count=1 iflag=direct
fact KCOV_CRYPT_READ_RC $?
step cryptsetup close kcrypt
losetup -d "$LC"
say "crypt: failed constructor (a 1-byte key)"
step dd if=/dev/zero of=cbad.img bs=1M count=1 status=none
LCB=$(losetup -f --show cbad.img)
step dmsetup create kbadcrypt --table "0 2048 crypt aes-xts-plain64 00 0 $LCB 0"
dmsetup info kbadcrypt >/dev/null 2>&1 && step dmsetup remove kbadcrypt
losetup -d "$LCB"

# ---- dm-verity ------------------------------------------------------------------------------------
say "verity: format, open, read clean, close"
step dd if=/dev/zero of=vdata.img bs=1M count=4 status=none
step dd if=/dev/zero of=vhash.img bs=1M count=1 status=none
LD=$(losetup -f --show vdata.img)
LH=$(losetup -f --show vhash.img)
fact KCOV_VERITY_DATA "$(loopdev "$LD")"
fact KCOV_VERITY_HASH "$(loopdev "$LH")"
veritysetup format "$LD" "$LH" > vformat.txt 2>&1
cat vformat.txt >> "$STEPS"
ROOT=$(sed -n 's/^Root hash:[[:space:]]*//p' vformat.txt)
say "root hash $ROOT"
step veritysetup open "$LD" kverity "$LH" "$ROOT"
step dd if=/dev/mapper/kverity of=/dev/null bs=4096 iflag=direct
step veritysetup close kverity

BLOCK=${E2E_KCOV_VERITY_BLOCK:-5}
READS=${E2E_KCOV_VERITY_READS:-105}
fact KCOV_VERITY_BLOCK "$BLOCK"
fact KCOV_VERITY_READS "$READS"
say "verity: corrupt data block $BLOCK; EIO mode: $READS O_DIRECT reads of it"
step dd if=/dev/urandom of="$LD" bs=4096 seek="$BLOCK" count=1 oflag=direct conv=notrunc,fsync status=none
step veritysetup open "$LD" kveio "$LH" "$ROOT"
fact KCOV_VERITY_EIO_DEV "$(majmin kveio)"
fact KCOV_VERITY_EIO_FAILED_READS "$(direct_reads kveio "$BLOCK" "$READS")"
step veritysetup status kveio
# max-corrupted-errors is target-level with no EOE: the listener completes it after --group-timeout
# (2 s), after this close and the next table's open on the same number; it must keep its own name
step veritysetup close kveio

say "verity: ignore_corruption (logging) mode, the same $READS reads"
step veritysetup open --ignore-corruption "$LD" kvlog "$LH" "$ROOT"
fact KCOV_VERITY_LOG_DEV "$(majmin kvlog)"
step dmsetup table kvlog
fact KCOV_VERITY_LOG_FAILED_READS "$(direct_reads kvlog "$BLOCK" "$READS")"
step veritysetup status kvlog
# max-corrupted-errors is target-level with no EOE: the listener completes it after --group-timeout
# (2 s), after this close and the next table's open on the same number; it must keep its own name
step veritysetup close kvlog

META_BLOCK=${E2E_KCOV_META_BLOCK:-200}
fact KCOV_VERITY_META_BLOCK "$META_BLOCK"
say "verity: corrupt the top hash block (hash device block 1, after the superblock); read data block $META_BLOCK"
step dd if=/dev/zero of="$LD" bs=4096 seek="$BLOCK" count=1 oflag=direct conv=notrunc,fsync status=none
step dd if=/dev/urandom of="$LH" bs=4096 seek=1 count=1 oflag=direct conv=notrunc,fsync status=none
step veritysetup open "$LD" kvmeta "$LH" "$ROOT"
fact KCOV_VERITY_META_DEV "$(majmin kvmeta)"
step dd if=/dev/mapper/kvmeta of=/dev/null bs=4096 skip="$META_BLOCK" count=1 iflag=direct
fact KCOV_VERITY_META_READ_RC $?
step veritysetup close kvmeta

say "verity: failed constructor (data block size 1000)"
step dmsetup create --readonly kbadverity --table "0 8 verity 1 $LD $LH 1000 4096 1024 1 sha256 $ROOT -"
dmsetup info kbadverity >/dev/null 2>&1 && step dmsetup remove kbadverity
losetup -d "$LD"; losetup -d "$LH"

# ---- dm-integrity inline mode (6.11+) ----------------------------------------------------------------
# Inline mode needs a device with per-sector metadata and an integrity profile without a checksum
# of its own. Tried twice: scsi_debug with T10 PI (DIF type 1 + DIX: a CRC profile, refused), and
# the NVMe namespace e2e/run-vm attaches (8 bytes of metadata per block, no PI: profile "nop").
if [[ ${E2E_KCOV_INLINE:-1} == 1 ]]; then
  say "integrity inline mode (1): scsi_debug with DIF type 1 + DIX"
  # sd_mod: the SCSI disk driver that makes the scsi_debug LUN a block device (not autoloaded here).
  step modprobe sd_mod
  if step modprobe scsi_debug dev_size_mb=16 dif=1 dix=1 guard=0 sector_size=512; then
    sleep 1
    SD=$(grep -l scsi_debug /sys/block/sd*/device/model 2>/dev/null | head -1 | cut -d/ -f4)
    if [[ -n $SD ]]; then
      fact KCOV_INLINE_SCSI_DISK "$SD $(cat /sys/block/$SD/dev) $(cat /sys/block/$SD/integrity/format 2>&1)"
      step dmsetup create kinlinescsi --table "0 $(( $(cat /sys/block/$SD/size) - 64)) integrity /dev/$SD 0 4 I 1 internal_hash:crc32c"
      fact KCOV_INLINE_SCSI_RC $?
      dmsetup info kinlinescsi >/dev/null 2>&1 && step dmsetup remove kinlinescsi
    else
      say "  no scsi_debug disk appeared"
    fi
    step modprobe -r scsi_debug
  fi
  say "integrity inline mode (2): NVMe namespace with 8-byte metadata, no protection information"
  step modprobe nvme
  for ((i = 0; i < 50; i++)); do [[ -e /sys/block/nvme0n1 ]] && break; sleep 0.2; done
  if [[ -e /sys/block/nvme0n1 ]]; then
    NV=/dev/nvme0n1
    fact KCOV_INLINE_DISK "nvme0n1 $(cat /sys/block/nvme0n1/dev) $(cat /sys/block/nvme0n1/integrity/format 2>&1)"
    step dmsetup create kinline --table "0 $(( $(cat /sys/block/nvme0n1/size) - 64)) integrity $NV 0 8 I 1 internal_hash:crc32c"
    fact KCOV_INLINE_RC $?
    if dmsetup info kinline >/dev/null 2>&1; then
      fact KCOV_INLINE_DEV "$(majmin kinline)"
      step dmsetup table kinline
      imark="KCOV-INLINE-$(date +%s%N)"
      { printf '%s' "$imark"; head -c $((4096 - ${#imark})) /dev/zero; } > imarker.bin
      # The first MiB written once, so that the locate below (its filesystem probe reads the first
      # 68 KiB, and readahead more) meets no never-written block whose tag was never set: its only
      # failure is then the corrupt block 10 itself.
      step dd if=/dev/zero of=/dev/mapper/kinline bs=4096 count=256 oflag=direct conv=fsync status=none
      step dd if=imarker.bin of=/dev/mapper/kinline bs=4096 seek=10 count=1 oflag=direct conv=fsync status=none
      dd if="$NV" of=nvraw.bin bs=1M count=1 iflag=direct status=none
      ioff=$(first_offset nvraw.bin "$imark")
      fact KCOV_INLINE_RAW_SECTOR "$(( ${ioff:-0} / 512 ))"
      # The raw sector of logical block 10, rewritten beneath dm-integrity: data and tag disagree.
      [[ -n $ioff ]] && step dd if=/dev/urandom of="$NV" bs=512 seek=$((ioff / 512)) count=1 oflag=direct conv=fsync status=none
      step dd if=/dev/mapper/kinline of=/dev/null bs=4096 skip=10 count=1 iflag=direct
      fact KCOV_INLINE_READ_RC $?
      # Locate the record as the kernel gave it (the namespace, the dm device's logical sector of
      # block 10): the walk must start at kinline, the inline-mode holder (docs/locate.md).
      ( cd "$REPO" && exec timeout 600 bin/dmaudit locate --op integrity-checksum "$(cat /sys/block/nvme0n1/dev)" \
          $((10 * 8)) --format json ) > "$K/inline-locate.json" 2> "$K/inline-locate.stderr"
      fact KCOV_INLINE_LOCATE_RC $?
      cat "$K/inline-locate.json" "$K/inline-locate.stderr" >> "$STEPS"
      step dmsetup status kinline
      step dmsetup remove kinline
    fi
  else
    say "  no NVMe namespace (E2E_NVME_MD=0?)"
  fi
fi

# ---- stop ------------------------------------------------------------------------------------------
sleep "${E2E_DRAIN:-2}"
kill -TERM "$lis" 2>/dev/null
for ((i = 0; i < 150; i++)); do kill -0 "$lis" 2>/dev/null || break; sleep 0.2; done
kill -0 "$lis" 2>/dev/null && { say "WARNING: the listener ignored SIGTERM"; kill -KILL "$lis"; }
wait "$lis"; lrc=$?
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${pids[@]}"; do wait "$p"; done
say "dmaudit exited with status $lrc"
[[ " 0 143 " == *" $lrc "* ]] || failed=1
dmesg | grep -E 'device-mapper|verity|integrity|crypt|audit: type=13(38|39)' > "$K/dmesg-dm.txt" || true
fact KCOV_LISTENER_RC "$lrc"
runenv KCOV_OUTPUT kcov/listen.jsonl
runenv KCOV_RC "$failed"
say "done: $( ((failed)) && echo FAILED || echo ok )"
exit "$failed"
