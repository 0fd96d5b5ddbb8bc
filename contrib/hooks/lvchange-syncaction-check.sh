#!/bin/sh
# dmaudit hook: start a scrub ("lvchange --syncaction check") of the LVM RAID logical volume whose
# device reported an integrity failure (dm-integrity under lvmraid, or a dm-raid event), so the
# other legs are checked too. Needs LVM's lvs/lvchange.
#   dmaudit listen --exec /etc/dmaudit/hooks/lvchange-syncaction-check.sh \
#       --exec-filter op=integrity-checksum --exec-rate 1
# The VG/LV is asked of LVM by device number, never parsed out of the device name.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

case "${DMAUDIT_DEVICE:-}" in
    *[!0-9:]* | '' | :* | *: ) echo "syncaction: unexpected device number '${DMAUDIT_DEVICE:-}'" >&2; exit 2 ;;
esac
major=${DMAUDIT_DEVICE%%:*}
minor=${DMAUDIT_DEVICE#*:}

# An integrity sub-LV ("<lv>_rimage_0_imeta" etc.) belongs to a RAID LV: take the top LV by
# matching the kernel numbers among all LVs, then strip LVM's sub-LV suffixes from its name.
line=$(lvs -a --noheadings --separator '|' -o vg_name,lv_name,lv_kernel_major,lv_kernel_minor 2>/dev/null \
    | awk -F'|' -v M="$major" -v m="$minor" '{ gsub(/ /, "", $0) } $3 == M && $4 == m { print $1 "|" $2; exit }')
[ -n "$line" ] || { echo "syncaction: device $DMAUDIT_DEVICE is not an LVM logical volume" >&2; exit 0; }
vg=${line%%|*}
lv=${line#*|}
lv=${lv#[}; lv=${lv%]}                 # hidden sub-LVs print as [name]
lv=${lv%%_rimage_*}; lv=${lv%%_rmeta_*}; lv=${lv%%_imeta*}; lv=${lv%%_iorig*}

segtype=$(lvs --noheadings -o segtype -- "$vg/$lv" 2>/dev/null | tr -d ' ')
case "$segtype" in
    raid1 | raid4 | raid5* | raid6* | raid10) ;;
    *) echo "syncaction: $vg/$lv is '$segtype', not RAID: nothing to scrub" >&2; exit 0 ;;
esac
exec lvchange --syncaction check -- "$vg/$lv"
