#!/usr/bin/env bash
# Minimal guest script: proves boot, host-root chroot, java and the results share work.
set -euo pipefail
echo "smoke: kernel $(uname -r) cwd $PWD out $E2E_OUT udev-off=${DM_DISABLE_UDEV:-}"
echo "smoke: args: $*"
java -version 2>&1 | head -1
grep -q device-mapper /proc/devices && echo "smoke: device-mapper present"
uname -r > "$E2E_OUT/uname.txt"
