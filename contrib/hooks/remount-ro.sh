#!/bin/sh
# dmaudit hook: remount read-only the filesystem on a device that reported a data integrity
# failure, so corrupt blocks are not written back. Destructive for running services: enable it
# only for the devices you mean, e.g.
#   dmaudit listen --exec /etc/dmaudit/hooks/remount-ro.sh \
#       --exec-filter op=integrity-checksum,device=vault --exec-rate 1
# Guards: only failed DM_EVENTs (data kind), only a device that is mounted, never the root
# filesystem unless DMAUDIT_REMOUNT_ROOT=yes is set in this script's copy.
# Everything from the environment is quoted: a device name may hold any character.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

[ "${DMAUDIT_KIND:-}" = dm_data ] || exit 0
[ "${DMAUDIT_RESULT:-}" = failed ] || exit 0
case "${DMAUDIT_DEVICE:-}" in
    *[!0-9:]* | '' | :* | *: ) echo "remount-ro: unexpected device number '${DMAUDIT_DEVICE:-}'" >&2; exit 2 ;;
esac

# mountinfo: field 3 is MAJ:MIN (matched exactly, no name parsing), field 5 the mount point with
# blanks, newlines and backslashes escaped as \NNN octal, so one mount point is one word.
targets=$(awk -v d="$DMAUDIT_DEVICE" '$3 == d { print $5 }' /proc/self/mountinfo)
[ -n "$targets" ] || exit 0   # not mounted: nothing to protect

status=0
# Unescape one at a time: printf %b takes octal as \0NNN, so \NNN becomes \0NNN first (a real
# backslash is \134 there, so no other backslash is in the word). A here-document, not a pipe:
# the loop must run in this shell to set status.
while IFS= read -r escaped; do
    target=$(printf '%b' "$(printf '%s' "$escaped" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
    if [ "$target" = / ] && [ "${DMAUDIT_REMOUNT_ROOT:-no}" != yes ]; then
        logger -t dmaudit-hook -p daemon.crit -- "integrity failure on the root filesystem's device $DMAUDIT_DEVICE; not remounting / (guard)"
        continue
    fi
    if mount -o remount,ro -- "$target"; then
        logger -t dmaudit-hook -p daemon.crit -- "remounted read-only after integrity failure on $DMAUDIT_DEVICE: $target"
    else
        status=1
    fi
done <<TARGETS
$targets
TARGETS
exit "$status"
