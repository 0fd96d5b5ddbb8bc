#!/usr/bin/env bash
# The `locate` scenarios, run INSIDE the guest (e2e/run-vm e2e/guest/locate.sh OUTDIR [COMBO...]) as
# root against the guest kernel. COMBO is STACK-FS with STACK integrity (plain dm-integrity),
# luks (LUKS2 --integrity: crypt over integrity) or lvm (LVM linear LV over dm-integrity) and FS
# ext4, xfs (mkfs.xfs -m rmapbt=1) or xfs0 (rmapbt=0, and a change in its log while the sectors are
# read back: GETFSMAP then knows only free from allocated, and xfs_db refuses); default: the six
# ext4/xfs combos, integrity-xfs0, then verity-ext4 (below).
#
# verity-ext4: an ext4 image (the same files) made read-only under dm-verity (veritysetup format
# with a second loop device as the hash device, opened in the default EIO mode); the first sector
# of block 20 of the file and a freed block corrupted on the DATA loop device (FIEMAP gives the
# blocks; verity's data block is the ext4 block, both 4 KiB), then read through the verity device.
# On 6.12 the kernel reports `verify-data dev=<data loop> sector=<data block>` (audit); on 6.1 only
# the uevent DM_VERITY_ERR_BLOCK_NR=0,<block> on the verity device. Both must be located to the
# file on the verity device (chain: data device, then the verity device; sector = block x 8).
#
# For each combo: build the stack on a loop device, make the filesystem, create a known file in a
# directory whose name has spaces (every 4 KiB block carries a marker) with a hard link, free a
# known block (a file written then deleted), unmount; then corrupt, on the backing loop device,
# (a) the first sector of block 20 of the file, (b) a sector of the freed block, (c) the sector
# of the inode table holding the file's inode. The sector is found independently of dmaudit:
# filefrag (FIEMAP) / debugfs imap / xfs_db convert give the filesystem device's sector, the
# stack's dmsetup tables translate it down to the dm-integrity device, and the 512 bytes read
# there (O_DIRECT) are searched in the backing file. Then mount and read them back while
# `dmaudit listen --locate` runs. The expectations go to $E2E_OUT/locate-expect.jsonl, the
# events to $E2E_OUT/locate-listen.jsonl; e2e/checks/locate.py compares them.
#
# Also saved for the unit tests: the debugfs/dumpe2fs/xfs_db/xfs_io outputs in
# $E2E_OUT/captures/COMBO/. E2E_LOCATE_LISTENER=nlcap runs the stand-in listener instead.
set -uo pipefail
OUT=${E2E_OUT:?run me through e2e/run-vm}
REPO=${E2E_REPO:-$PWD}
export DM_DISABLE_UDEV=1
LOG=$OUT/locate-steps.log
EXPECT=$OUT/locate-expect.jsonl
: > "$LOG"; : > "$EXPECT"
WORK=/tmp/locate
mkdir -p "$WORK" /mnt/loc
failures=0
say() { echo "[locate] $*"; echo "### $*" >> "$LOG"; }
run() { echo "+ $*" >> "$LOG"; "$@" >> "$LOG" 2>&1; local rc=$?; ((rc)) && echo "  rc=$rc" >> "$LOG"; return $rc; }
die() { say "FAIL: $*"; failures=$((failures + 1)); return 1; }

# mkfs.xfs refuses filesystems under 300 MB unless it believes it runs under fstests.
export TEST_DIR=/tmp TEST_DEV=/dev/null QA_CHECK_FS=1
LVMCONF='devices { use_devicesfile=0 obtain_device_list_from_udev=0 } activation { udev_sync=0 udev_rules=0 monitoring=0 }'

COMBOS=("$@")
((${#COMBOS[@]})) || COMBOS=(integrity-ext4 integrity-xfs luks-ext4 luks-xfs lvm-ext4 lvm-xfs integrity-xfs0 verity-ext4)

# --- the listener -------------------------------------------------------------------------------
LISTEN_OUT=$OUT/locate-listen.jsonl
start_listener() {
  if [[ ${E2E_LOCATE_LISTENER:-dmaudit} == nlcap ]]; then
    "$REPO/.vm-cache/bin/nlcap" -o "$OUT/locate-nlcap.txt" -r "$WORK/ready" 2> "$OUT/locate-nlcap.err" &
    LPID=$!
    for _ in $(seq 100); do [[ -e $WORK/ready ]] && break; sleep 0.2; done
  else
    (cd "$REPO" && exec java -XX:TieredStopAtLevel=1 -jar target/dmaudit-all.jar listen --format json --locate \
        --output "$LISTEN_OUT" --no-warm-up --priority-boost 0) > "$OUT/locate-listen.stdout" 2> "$OUT/locate-listen.stderr" &
    LPID=$!
    for _ in $(seq 900); do
      grep -q listening "$OUT/locate-listen.stderr" 2>/dev/null && break
      # A listener that died at start: say so now, with its words, instead of after 900 tries.
      if ! kill -0 "$LPID" 2>/dev/null; then
        say "the listener exited before listening; its stderr and stdout:"
        sed 's/^/    /' "$OUT/locate-listen.stderr" "$OUT/locate-listen.stdout" | head -60
        return
      fi
      sleep 0.2
    done
    sleep 1
  fi
  say "listener $LPID ready"
}
stop_listener() {
  sleep 3
  kill -TERM "$LPID" 2>/dev/null
  for _ in $(seq 150); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$LPID" 2>/dev/null
  wait "$LPID"; say "listener exit status $?"
}

# --- helpers --------------------------------------------------------------------------------------
majmin() { printf '%d:%d' "$(stat -Lc '0x%t' "$1")" "$(stat -Lc '0x%T' "$1")"; }

# to_integrity SECTOR: the sector of $FSDEV translated down to the dm-integrity device $INTDEV.
to_integrity() {
  local s=$1 dev=$FSDEV
  while [[ $dev != "$INTDEV" ]]; do
    local name; name=$(dmsetup info -c --noheadings -o name "$dev")
    local line; line=$(dmsetup table "$name" | awk -v s="$s" '$1 <= s && s < $1 + $2')
    set -- $line
    case $3 in
      linear) s=$((s - $1 + $5)); dev=/dev/block/$4 ;;
      crypt)  s=$((s - $1 + $8)); dev=/dev/block/$7 ;;
      *) echo "cannot walk target $3" >&2; return 1 ;;
    esac
    [[ -e $dev ]] || dev=$(readlink -f "/sys/dev/block/${dev#/dev/block/}" | sed 's|.*/|/dev/|')
    [[ $(majmin "$dev") == "$(majmin "$INTDEV")" ]] && dev=$INTDEV
  done
  echo "$s"
}

# corrupt_fs_sector SECTOR: corrupt the backing sector of $FSDEV's SECTOR (see the header).
corrupt_fs_sector() {
  local s=$1 i raw
  i=$(to_integrity "$s") || return 1
  if [[ $STACK == luks ]]; then
    # LUKS2 integrity keeps a journal: suspending the integrity device writes it out to the data area.
    dmsetup suspend loccrypt && dmsetup suspend loccrypt_dif && dmsetup resume loccrypt_dif && dmsetup resume loccrypt
  fi
  dd if="$INTDEV" of="$WORK/sector.bin" bs=512 skip="$i" count=1 iflag=direct status=none || return 1
  # Every aligned copy past the logical offset, nearest first. The same bytes may sit elsewhere too
  # (ext4's journal holds copies of inode-table blocks): a candidate is kept only when reading the
  # sector back through the filesystem's device then fails; otherwise it is restored.
  local cands; cands=$(python3 - "$IMG" "$WORK/sector.bin" "$i" <<'EOF'
import sys
img = open(sys.argv[1], "rb").read(); pat = open(sys.argv[2], "rb").read(); low = int(sys.argv[3]) * 512
hits = []; at = img.find(pat)
while at >= 0:
    if at % 512 == 0 and at >= low:
        hits.append(at // 512)
    at = img.find(pat, at + 1)
print(" ".join(map(str, hits)))
EOF
)
  [[ -n $cands ]] || { echo "sector $s (integrity $i): content not found in $IMG" >&2; return 1; }
  for raw in $cands; do
    dd if="$LOOP" of="$WORK/orig.bin" bs=512 skip="$raw" count=1 iflag=direct status=none
    dd if=/dev/urandom of="$LOOP" bs=512 count=1 seek="$raw" conv=notrunc,fsync oflag=direct status=none
    if ! dd if="$FSDEV" of=/dev/null bs=512 skip="$s" count=1 iflag=direct status=none 2>/dev/null; then
      echo "fs sector $s = integrity sector $i = raw sector $raw (candidates: $cands)" >> "$LOG"
      return 0
    fi
    dd if="$WORK/orig.bin" of="$LOOP" bs=512 count=1 seek="$raw" conv=notrunc,fsync oflag=direct status=none
  done
  echo "sector $s (integrity $i): no candidate ($cands) made it unreadable" >&2
  return 1
}

expect() { echo "$1" >> "$EXPECT"; echo "expect: $1" >> "$LOG"; }

# settle: wait (at most 120 s) until the listener's output has not grown for 6 s: locating runs
# tools, slow under emulation, and must finish while the devices still exist.
settle() {
  [[ ${E2E_LOCATE_LISTENER:-dmaudit} == dmaudit ]] || { sleep 2; return; }
  local last=-1 now stable=0
  for _ in $(seq 60); do
    now=$(stat -c %s "$LISTEN_OUT" 2>/dev/null || echo 0)
    if [[ $now == "$last" ]]; then stable=$((stable + 1)); ((stable >= 3)) && return; else stable=0; fi
    last=$now; sleep 2
  done
}

# --- stacks ---------------------------------------------------------------------------------------
setup_stack() {
  local stack=$1
  STACK=$stack
  IMG=$WORK/$stack.img
  rm -f "$IMG"
  truncate -s 160M "$IMG"
  LOOP=$(losetup -f --show "$IMG") || return 1
  case $stack in
    integrity)
      run integritysetup format --batch-mode --integrity crc32c -D "$LOOP" || return 1
      run integritysetup open -D --integrity crc32c "$LOOP" locint || return 1
      INTDEV=/dev/mapper/locint; FSDEV=$INTDEV ;;
    luks)
      head -c 32 /dev/urandom > "$WORK/key"
      run cryptsetup luksFormat --batch-mode --type luks2 --integrity hmac-sha256 --pbkdf pbkdf2 \
        --pbkdf-force-iterations 1000 --key-file "$WORK/key" "$LOOP" || return 1
      run cryptsetup open --key-file "$WORK/key" "$LOOP" loccrypt || return 1
      INTDEV=/dev/mapper/loccrypt_dif; FSDEV=/dev/mapper/loccrypt ;;
    lvm)
      run integritysetup format --batch-mode --integrity crc32c -D "$LOOP" || return 1
      run integritysetup open -D --integrity crc32c "$LOOP" locpv || return 1
      run pvcreate --config "$LVMCONF" -y /dev/mapper/locpv || return 1
      run vgcreate --config "$LVMCONF" locvg /dev/mapper/locpv || return 1
      # Two LVs so that the one under test is a segment that does not start at the PV's first extent.
      run lvcreate --config "$LVMCONF" -y -Zn -Wn -L 8M -n pad locvg || return 1
      run lvcreate --config "$LVMCONF" -y -Zn -Wn -L 120M -n loclv locvg || return 1
      [[ -e /dev/mapper/locvg-loclv ]] || run dmsetup mknodes
      INTDEV=/dev/mapper/locpv; FSDEV=/dev/mapper/locvg-loclv ;;
  esac
  run dmsetup table
  say "stack $stack: fs device $FSDEV ($(majmin "$FSDEV")), integrity device $INTDEV ($(majmin "$INTDEV")), $LOOP"
}
teardown_stack() {
  umount /mnt/loc 2>/dev/null
  case $1 in
    integrity) run integritysetup close locint ;;
    luks) run cryptsetup close loccrypt ;;
    lvm) run vgchange --config "$LVMCONF" -an locvg; run integritysetup close locpv ;;
  esac
  losetup -d "$LOOP"; rm -f "$IMG"
}

# populate COMBO CAPDIR: the known files on the filesystem mounted at /mnt/loc; sets the caller's
# bs, file, ino, pblk (fs block of the file's block 20, by FIEMAP) and fblk (a block freed by
# deleting a file).
populate() {
  local cap=$2
  # Small files first: the file under test must not share its inode-table block (ext4) or inode
  # cluster (XFS) with the root directory, which mounting reads.
  mkdir -p /mnt/loc/other
  for n in $(seq 40); do echo "small $n" > "/mnt/loc/other/f$n"; done
  mkdir -p "/mnt/loc/dir with spaces"
  python3 - "/mnt/loc/dir with spaces/data file.bin" <<'EOF'
import sys, os
with open(sys.argv[1], "wb") as f:
    for i in range(64):
        head = b"DMAUDIT-LOCATE-%s-block-%04d-" % (os.urandom(8).hex().encode(), i)
        f.write((head * (4096 // len(head) + 1))[:4096])
EOF
  ln "/mnt/loc/dir with spaces/data file.bin" "/mnt/loc/other/hard link.bin"
  head -c 262144 /dev/urandom > /mnt/loc/tobefreed
  sync
  bs=$(stat -fc %S /mnt/loc)
  file="/mnt/loc/dir with spaces/data file.bin"
  ino=$(stat -c %i "$file")
  # (a) block 20 of the file: its physical block on the filesystem's device (FIEMAP, in fs blocks)
  filefrag -v -b"$bs" "$file" > "$cap/filefrag.txt" 2>&1
  pblk=$(awk -F'[: .]+' '$3 ~ /^[0-9]+$/ && $3 <= 20 && 20 <= $4 {print $5 + 20 - $3}' "$cap/filefrag.txt" | head -1)
  # (b) a block of the deleted file (free once it is gone)
  filefrag -v -b"$bs" /mnt/loc/tobefreed > "$cap/filefrag-freed.txt" 2>&1
  fblk=$(awk -F'[: .]+' '$3 ~ /^[0-9]+$/ && $3 <= 30 && 30 <= $4 {print $5 + 30 - $3}' "$cap/filefrag-freed.txt" | head -1)
  rm /mnt/loc/tobefreed; sync
  say "$1: bs=$bs inode=$ino file block 20 at fs block ${pblk:-?}; freed block ${fblk:-?}"
}

# --- verity-ext4 (see the header) -----------------------------------------------------------------
verity_combo() {
  local cap=$OUT/captures/$1 bs file ino pblk fblk root hloop himg=$WORK/verity-hash.img
  mkdir -p "$cap"
  say "=== $1"
  IMG=$WORK/verity-data.img
  rm -f "$IMG" "$himg"; truncate -s 64M "$IMG"; truncate -s 4M "$himg"
  run mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 "$IMG" || { die "$1: mkfs"; return; }
  LOOP=$(losetup -f --show "$IMG") || { die "$1: losetup"; return; }
  hloop=$(losetup -f --show "$himg") || { die "$1: losetup"; losetup -d "$LOOP"; return; }
  if ! run mount -t ext4 "$LOOP" /mnt/loc; then die "$1: mount"; losetup -d "$LOOP" "$hloop"; return; fi
  populate "$1" "$cap"
  run umount /mnt/loc
  if [[ -z $pblk || -z $fblk || $bs != 4096 ]]; then
    die "$1: could not find the blocks"; losetup -d "$LOOP" "$hloop"; return
  fi
  # read-only from here: the hash tree is made over the data as it is now
  if ! veritysetup format "$LOOP" "$hloop" > "$cap/veritysetup-format.txt" 2>&1; then
    die "$1: veritysetup format"; losetup -d "$LOOP" "$hloop"; return
  fi
  root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$cap/veritysetup-format.txt")
  # corrupt on the data device: the first sector of the file's block 20, and the freed block
  local dsec=$((pblk * 8)) fsec=$((fblk * 8)) s
  for s in $dsec $fsec; do
    dd if=/dev/urandom of="$LOOP" bs=512 count=1 seek="$s" conv=notrunc,fsync oflag=direct status=none || die "$1: corrupt $s"
  done
  echo "corrupted data-device sectors $dsec (file block 20 = data block $pblk) and $fsec (free block $fblk)" >> "$LOG"
  if ! run veritysetup open "$LOOP" locverity "$hloop" "$root"; then
    die "$1: veritysetup open"; losetup -d "$LOOP" "$hloop"; return
  fi
  [[ -e /dev/mapper/locverity ]] || run dmsetup mknodes
  FSDEV=/dev/mapper/locverity
  run dmsetup table locverity
  local fsdev_mm loop_mm; fsdev_mm=$(majmin "$FSDEV"); loop_mm=$(majmin "$LOOP")
  say "stack verity: fs device $FSDEV ($fsdev_mm), data device $LOOP ($loop_mm), hash device $hloop"
  local rel=/"dir with spaces/data file.bin" link=/other/"hard link.bin"
  expect "{\"combo\":\"$1\",\"case\":\"file\",\"fs_device\":\"$fsdev_mm\",\"fs_sector\":$dsec,\"kind\":\"file\",\"fs\":\"ext4\",\"inode\":$ino,\"paths\":[\"/mnt/loc$rel\",\"/mnt/loc$link\"],\"file_offset\":$((20 * bs)),\"data_device\":\"$loop_mm\",\"data_block\":$pblk}"
  expect "{\"combo\":\"$1\",\"case\":\"free\",\"fs_device\":\"$fsdev_mm\",\"fs_sector\":$fsec,\"kind\":\"free\",\"fs\":\"ext4\",\"data_device\":\"$loop_mm\",\"data_block\":$fblk}"
  local t0; t0=$(date +%s.%N)
  if run mount -t ext4 -o ro "$FSDEV" /mnt/loc; then
    # the file's block 20 through the verity device (O_DIRECT: no page cache, one verification each)
    run dd if="$file" of=/dev/null bs=4096 skip=20 count=1 iflag=direct
    run dd if="$FSDEV" of=/dev/null bs=4096 skip="$fblk" count=1 iflag=direct
    settle
    if [[ ${E2E_LOCATE_LISTENER:-dmaudit} == dmaudit ]]; then
      # the command as the audit record names it (data device, data block), and as the uevent does
      (cd "$REPO" && java -XX:TieredStopAtLevel=1 -jar target/dmaudit-all.jar locate --format json --op verify-data "$loop_mm" "$pblk") \
        | sed "s/^{/{\"combo\":\"$1\",/" >> "$OUT/locate-cli.jsonl" 2>> "$LOG"
      (cd "$REPO" && java -XX:TieredStopAtLevel=1 -jar target/dmaudit-all.jar locate --format json --uevent --op verify-data "$fsdev_mm" "$pblk") \
        | sed "s/^{/{\"combo\":\"$1+uevent\",/" >> "$OUT/locate-cli.jsonl" 2>> "$LOG"
    fi
    run umount /mnt/loc
  else
    die "$1: mount the verity device"
  fi
  echo "{\"combo\":\"$1\",\"case\":\"window\",\"from\":$t0,\"to\":$(date +%s.%N),\"kernel\":\"$(uname -r)\"}" >> "$EXPECT"
  run veritysetup status locverity
  run veritysetup close locverity
  losetup -d "$LOOP" "$hloop"; rm -f "$IMG" "$himg"
}

# --- one combo ------------------------------------------------------------------------------------
combo() {
  [[ $1 == verity-ext4 ]] && { verity_combo "$1"; return; }
  local stack=${1%-*} fs=${1#*-} cap=$OUT/captures/$1 rmap=${E2E_XFS_RMAPBT:-1}
  # xfs0: XFS without a reverse map (Debian 12's mkfs default), its log kept busy while located
  [[ $fs == xfs0 ]] && { fs=xfs; rmap=0; }
  mkdir -p "$cap"
  say "=== $1"
  setup_stack "$stack" || { die "$1: stack setup"; return; }
  case $fs in
    ext4) run mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 "$FSDEV" || { die "$1: mkfs"; return; } ;;
    xfs)  run mkfs.xfs -q -f -b size=4096 -m rmapbt=$rmap "$FSDEV" || { die "$1: mkfs"; return; } ;;
  esac
  run mount -t "$fs" "$FSDEV" /mnt/loc || { die "$1: mount"; return; }
  local bs file ino pblk fblk
  populate "$1" "$cap"
  # (c) the inode of another file: a file whose inode cannot be read cannot be read at all
  local victim=/mnt/loc/other/f40 vino; vino=$(stat -c %i "$victim")
  local fsdev_mm; fsdev_mm=$(majmin "$FSDEV")
  # captures of the tools, on the mounted filesystem (what dmaudit will run, read-only)
  case $fs in
    ext4)
      dumpe2fs "$FSDEV" > "$cap/dumpe2fs.txt" 2> "$cap/dumpe2fs.err"
      debugfs -R "icheck $pblk $fblk 0 1 $((pblk + 100000))" "$FSDEV" > "$cap/icheck.txt" 2> "$cap/icheck.err"
      debugfs -R "ncheck -c $ino" "$FSDEV" > "$cap/ncheck.txt" 2> "$cap/ncheck.err"
      debugfs -R "dump_extents <$ino>" "$FSDEV" > "$cap/extents.txt" 2> "$cap/extents.err"
      debugfs -R "imap <$ino>" "$FSDEV" > "$cap/imap-file.txt" 2>&1
      debugfs -R "imap <$vino>" "$FSDEV" > "$cap/imap.txt" 2>&1
      debugfs -R "ncheck -c $vino" "$FSDEV" > "$cap/ncheck-victim.txt" 2>&1
      debugfs -R "stat <$ino>" "$FSDEV" > "$cap/stat.txt" 2>&1
      local itsec; itsec=$(python3 - "$cap/imap.txt" "$bs" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"located at block (\d+), offset (0x[0-9a-f]+)", t)
print(int(m.group(1)) * int(sys.argv[2]) // 512 + int(m.group(2), 16) // 512)
EOF
) ;;
    xfs)
      xfs_info /mnt/loc > "$cap/xfs_info.txt" 2>&1
      xfs_io -r -c "fsmap -v" /mnt/loc > "$cap/fsmap.txt" 2>&1
      xfs_io -r -c "fsmap -v -d $((pblk * bs / 512)) $((pblk * bs / 512 + 7))" /mnt/loc > "$cap/fsmap-file.txt" 2>&1
      xfs_db -r -c "convert inode $ino daddr" "$FSDEV" > "$cap/ino-daddr-file.txt" 2>&1
      xfs_db -r -c "convert inode $vino daddr" "$FSDEV" > "$cap/ino-daddr.txt" 2>&1
      xfs_db -r -c "blockget -n" -c "convert daddr $((pblk * bs / 512)) fsblock" "$FSDEV" > "$cap/xfsdb-convert.txt" 2>&1
      xfs_db -r -c "blockget -n" -c "daddr $((pblk * bs / 512))" -c "blockuse -n -c 1" -c "daddr $((fblk * bs / 512))" -c "blockuse -n -c 1" -c "ncheck -i $ino" -c "ncheck -i $vino" "$FSDEV" > "$cap/xfsdb-blockuse.txt" 2>&1
      local itsec; itsec=$(sed -n 's/.*(\([0-9]*\)).*/\1/p' "$cap/ino-daddr.txt" | head -1) ;;
  esac
  say "$1: inode $vino ($victim) in fs sector ${itsec:-?}"
  run umount /mnt/loc
  [[ -n $pblk && -n $fblk && -n $itsec ]] || { die "$1: could not find the blocks"; teardown_stack "$stack"; return; }
  # (b) a marker in the freed block first: its content must be unique to be found below
  local fsec=$((fblk * bs / 512 + 3))
  { printf 'DMAUDIT-LOCATE-FREE-%s' "$RANDOM$RANDOM"; head -c 480 /dev/zero; } | head -c 512 > "$WORK/free.bin"
  dd if="$WORK/free.bin" of="$FSDEV" bs=512 seek="$fsec" count=1 oflag=direct conv=fsync status=none
  local dsec=$((pblk * bs / 512))
  local rel=/"dir with spaces/data file.bin" link=/other/"hard link.bin"
  # without a reverse map, a busy XFS's data sector can only be named from the files' live
  # mappings: every event located while mounted must say so
  local via=""; [[ $fs == xfs && $rmap == 0 ]] && via=",\"mounted_detail\":\"regular (FIEMAP)\""
  expect "{\"combo\":\"$1\",\"case\":\"file\",\"fs_device\":\"$fsdev_mm\",\"fs_sector\":$dsec,\"kind\":\"file\",\"fs\":\"$fs\",\"inode\":$ino,\"paths\":[\"/mnt/loc$rel\",\"/mnt/loc$link\"],\"file_offset\":$((20 * bs))$via}"
  expect "{\"combo\":\"$1\",\"case\":\"free\",\"fs_device\":\"$fsdev_mm\",\"fs_sector\":$fsec,\"kind\":\"free\",\"fs\":\"$fs\"}"
  expect "{\"combo\":\"$1\",\"case\":\"inode-table\",\"fs_device\":\"$fsdev_mm\",\"fs_sector\":$itsec,\"kind\":\"metadata\",\"fs\":\"$fs\",\"inode\":$vino,\"path\":\"$victim\"}"
  # Phase 1: the file block and the free block, read back mounted (the listener locates while
  # the filesystem is mounted). Phase 2, the inode table, comes after: once an inode-table block
  # is unreadable, debugfs icheck/ncheck (which scan every inode) fail for the whole filesystem.
  corrupt_fs_sector "$dsec" || die "$1: corrupt file sector"
  corrupt_fs_sector "$fsec" || die "$1: corrupt free sector"
  local t0; t0=$(date +%s.%N)
  run mount -t "$fs" "$FSDEV" /mnt/loc || { die "$1: remount"; teardown_stack "$stack"; return; }
  if [[ $fs == xfs && $rmap == 0 ]]; then
    # a change in the log: xfs_db now refuses the device (captured), as on any filesystem in use
    run touch /mnt/loc/busy
    xfs_db -r -c "blockget -n" "$FSDEV" > "$cap/xfsdb-busy.txt" 2>&1
  fi
  run dd if="/mnt/loc/dir with spaces/data file.bin" of=/dev/null bs=4096 skip=20 count=1 iflag=direct
  run dd if="$FSDEV" of=/dev/null bs=512 skip="$fsec" count=1 iflag=direct
  settle
  if [[ ${E2E_LOCATE_LISTENER:-dmaudit} == dmaudit ]]; then
    # the command, on the filesystem's device (a plain sector there), the file case
    (cd "$REPO" && java -XX:TieredStopAtLevel=1 -jar target/dmaudit-all.jar locate --format json "$fsdev_mm" "$dsec") \
      | sed "s/^{/{\"combo\":\"$1\",/" >> "$OUT/locate-cli.jsonl" 2>> "$LOG"
    # and as people read it, by the name the event gives (text), for the first combo only (JVM starts are slow here)
    if [[ $1 == "${COMBOS[0]}" ]]; then
      (cd "$REPO" && java -XX:TieredStopAtLevel=1 -jar target/dmaudit-all.jar locate "$INTDEV" "$(to_integrity "$dsec")") \
        > "$OUT/locate-cli.txt" 2>> "$LOG"
    fi
  fi
  if [[ $fs == ext4 ]]; then debugfs -R "icheck $((dsec / 8)) $((fsec / 8))" "$FSDEV" > "$cap/icheck-corrupt.txt" 2>&1
  else
    for range in "$fsec $fsec" "$((fsec - 8)) $((fsec + 8))" "0 $((fsec + 8))"; do
      echo "### fsmap -v -d $range" >> "$cap/fsmap-free.txt"
      xfs_io -r -c "fsmap -v -d $range" /mnt/loc >> "$cap/fsmap-free.txt" 2>&1
    done
    xfs_io -r -c "fsmap -v" /mnt/loc > "$cap/fsmap-all.txt" 2>&1
    xfs_spaceman -c info /mnt/loc > "$cap/spaceman-info.txt" 2>&1
  fi
  run umount /mnt/loc
  # Phase 2: the inode-table sector holding the victim's inode; stat reads it.
  corrupt_fs_sector "$itsec" || die "$1: corrupt inode-table sector"
  run mount -t "$fs" "$FSDEV" /mnt/loc || { die "$1: remount"; teardown_stack "$stack"; return; }
  run stat "$victim"
  settle
  echo "{\"combo\":\"$1\",\"case\":\"window\",\"from\":$t0,\"to\":$(date +%s.%N)}" >> "$EXPECT"
  if [[ $fs == ext4 ]]; then debugfs -R "icheck $((dsec / 8))" "$FSDEV" > "$cap/icheck-broken-itable.txt" 2>&1; fi
  teardown_stack "$stack"
}

start_listener
for c in "${COMBOS[@]}"; do combo "$c"; done
stop_listener
dmesg | grep -E 'type=133[89]|audit:.*(DM_EVENT|1339)' > "$OUT/locate-dmesg-audit.txt"
say "done: $failures failure(s)"
((failures == 0))
