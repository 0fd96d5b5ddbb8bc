#!/usr/bin/env python3
"""uevcap: reference capture of kernel uevents for the e2e (test tool, not part of dmaudit).

Joins NETLINK_KOBJECT_UEVENT group 1 (the kernel's own uevents, as udevd hears them) and writes one
line per datagram sent by the kernel (sender port 0):  <receive time> <payload as hex>
The hex keeps the exact bytes (NUL separators included) for dmaudit's unit tests; e2e/checks read
the DM_VERITY_ERR_BLOCK_NR ones. Usage: uevcap.py OUTFILE READYFILE; SIGTERM ends it after
draining what is queued.
"""
import os
import select
import signal
import socket
import sys
import time

NETLINK_KOBJECT_UEVENT = 15
out, ready = sys.argv[1], sys.argv[2]
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((0, 1))
s.setblocking(False)
open(ready, "w").close()
n = 0
with open(out, "a") as f:
    while True:
        try:
            r, _, _ = select.select([s], [], [], 0.2)
        except InterruptedError:
            r = []
        if not r:
            if stop:
                break
            continue
        while True:
            try:
                data, (pid, _groups) = s.recvfrom(16384)
            except BlockingIOError:
                break
            except OSError as e:  # ENOBUFS: say so in the capture, go on
                f.write(f"# error {e}\n")
                continue
            if pid == 0:
                f.write(f"{time.time():.6f} {data.hex()}\n")
                n += 1
        f.flush()
print(f"uevcap: {n} uevents", file=sys.stderr)
