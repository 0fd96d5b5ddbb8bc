#!/bin/sh
# dmaudit hook: tell someone. Logs to syslog/journal (logger) and, when a mail command and
# DMAUDIT_MAIL_TO (set it in a copy of this script) are there, mails the event's JSON.
#   dmaudit listen --exec /etc/dmaudit/hooks/notify.sh --exec-filter op=integrity-checksum
# Everything from the environment is quoted, and passed as arguments or data, never as code.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
MAIL_TO=${DMAUDIT_MAIL_TO:-}

summary="dm event: ${DMAUDIT_MODULE:-?} ${DMAUDIT_OP:-?} result=${DMAUDIT_RESULT:-?} device=${DMAUDIT_DEVICE:-?} name=${DMAUDIT_DEVICE_NAME:-} sector=${DMAUDIT_SECTOR:-} serial=${DMAUDIT_SERIAL:-} at ${DMAUDIT_TIME:-}"
# tr: a device name with control characters must not forge further log lines
summary=$(printf '%s' "$summary" | tr -d '\000-\037\177')

priority=daemon.notice
[ "${DMAUDIT_RESULT:-}" = failed ] && priority=daemon.err
logger -t dmaudit-hook -p "$priority" -- "$summary"

if [ -n "$MAIL_TO" ] && command -v mail >/dev/null 2>&1; then
    # the event's JSON (stdin) is the body
    mail -s "dmaudit: $summary" "$MAIL_TO"
fi
