#!/bin/bash
# The dm-table key leak of issue 18, on the real dmsetup and kernel (run by e2e.sh after the
# listeners stopped, so its devices are not part of the event checks): a device whose NAME forges
# the all-devices table's "name: " prefix ("evil: 0 1 zero"), then a crypt device with a known
# key. `dmaudit dm table` (all devices, text and JSON) must show the crypt target with its key
# redacted and never the key's hex; results in $OUT/dm-table-attack.* for checks/dm_table_attack.py.
set -u
OUT=${E2E_OUT:?}; REPO=${E2E_REPO:?}; WORK=${E2E_WORK:-/tmp/dm-table-attack}
mkdir -p "$WORK" && cd "$WORK" || exit 1
log=$OUT/dm-table-attack.log
: >"$log"
key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$key" >"$OUT/dm-table-attack.key"
dd if=/dev/zero of=a.img bs=1M count=4 2>>"$log"
loop=$(losetup -f --show a.img) || { echo "losetup failed" >>"$log"; exit 1; }
rc=0
dmsetup create 'evil: 0 1 zero' --table "0 8 zero" >>"$log" 2>&1 || rc=1
# aes and cbc are built into Debian's 6.1 kernel (xts is a module the guest cannot load).
dmsetup create leaky --table "0 8192 crypt aes-cbc-plain $key 0 $loop 0" >>"$log" 2>&1 || rc=1
dmsetup table >>"$log" 2>&1   # the raw all-devices output the old parser was fooled by (keys masked)
dmsetup table --showkeys >>"$log" 2>&1   # the kernel holds the key we set
for fmt in text json; do
  (cd "$REPO" && bin/dmaudit dm table --format "$fmt") >"$OUT/dm-table-attack.$fmt" 2>>"$log"
  echo "dmaudit dm table --format $fmt: rc=$?" >>"$log"
done
dmsetup remove leaky >>"$log" 2>&1
dmsetup remove 'evil: 0 1 zero' >>"$log" 2>&1
losetup -d "$loop"
echo "setup_rc=$rc" >>"$log"
exit 0
