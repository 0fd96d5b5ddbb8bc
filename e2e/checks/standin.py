"""Check: a `type=NUM msg=...` capture (the stand-in nlcap) holds the records the real kernel gave
for the seed procedure (see docs/kernel-facts.md):
  - DM_CTRL (1338) ctr and dtr records from integritysetup, balanced, each followed by its SYSCALL;
  - DM_EVENT (1339) integrity-checksum records for the corrupted logical sectors (20000 of the
    first device, 3000 of the third one on the same number), no others;
  - the failed `dmsetup create`: ctr res=0 'The device is not initialized' + dtr res=1 under ONE
    serial, with a failing SYSCALL (exit=-22);
  - no loss reported by the capture (ENOBUFS).
Params: marker_sector (default 20000), reuse_sector (default 3000)."""
import re
from collections import defaultdict

LINE = re.compile(r"^type=(\d+) msg=audit\((\d+\.\d+):(\d+)\): ?(.*)$")
FIELD = re.compile(r"(\w+)=('[^']*'|\"[^\"]*\"|\S+)")

DM_CTRL, DM_EVENT, SYSCALL, EOE = 1338, 1339, 1300, 1320


def parse(path):
    records, bad = [], []
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            m = LINE.match(line)
            if not m:
                bad.append(n)
                continue
            fields = {k: v.strip("'\"") for k, v in FIELD.findall(m.group(4))}
            records.append({"type": int(m.group(1)), "time": m.group(2), "serial": int(m.group(3)),
                            "body": m.group(4), "f": fields})
    return records, bad


def check(t, file):
    file = file or t.run.get("LISTENER_OUTPUT") or "listen-standin.txt"
    path = t.path(file)
    try:
        records, bad = parse(path)
    except OSError as e:
        t.ok(False, f"{file} readable", str(e))
        return
    sector = str(t.param("marker_sector", "20000"))
    t.ok(records, f"{file}: {len(records)} records")
    t.ok(not bad, "every line is `type=NUM msg=audit(T:SERIAL): ...`", f"bad lines {bad[:5]}")
    counts = defaultdict(int)
    for r in records:
        counts[r["type"]] += 1
    t.say("    counts per type: " + ", ".join(f"{k}:{v}" for k, v in sorted(counts.items())))

    ctrl = [r for r in records if r["type"] == DM_CTRL]
    events = [r for r in records if r["type"] == DM_EVENT]
    by_serial = defaultdict(list)
    for r in records:
        by_serial[r["serial"]].append(r)

    isetup = [r for r in ctrl if r["f"].get("comm") == "integritysetup"]
    ctr = [r for r in isetup if r["f"].get("op") == "ctr" and r["f"].get("res") == "1"]
    dtr = [r for r in isetup if r["f"].get("op") == "dtr" and r["f"].get("res") == "1"]
    t.ok(len(ctr) >= 3, f"DM_CTRL ctr res=1 from integritysetup (format + opens): {len(ctr)}")
    t.ok(len(dtr) >= 3, f"DM_CTRL dtr res=1 from integritysetup (format + closes): {len(dtr)}")
    t.ok(len(ctr) == len(dtr), "integritysetup ctr/dtr balanced", f"ctr={len(ctr)} dtr={len(dtr)}")
    t.ok(all(r["f"].get("module") == "integrity" for r in ctrl), "every DM_CTRL is module=integrity")
    no_syscall = [r["serial"] for r in ctrl if not any(x["type"] == SYSCALL and x["f"].get("syscall") == "16"
                                                        for x in by_serial[r["serial"]])]
    t.ok(not no_syscall, "every DM_CTRL has an ioctl SYSCALL (syscall=16) of the same serial", f"serials {no_syscall}")
    no_eoe = [r["serial"] for r in ctrl if not any(x["type"] == EOE for x in by_serial[r["serial"]])]
    t.ok(not no_eoe, "every DM_CTRL serial ends with an EOE", f"serials {no_eoe}")

    cks = [r for r in events if r["f"].get("op") == "integrity-checksum"]
    reuse_sector = str(t.param("reuse_sector", "3000"))
    at = [r for r in cks if r["f"].get("sector") == sector]
    t.ok(at, f"DM_EVENT integrity-checksum at sector {sector}: {len(at)}")
    at_reuse = [r for r in cks if r["f"].get("sector") == reuse_sector]
    t.ok(at_reuse, f"DM_EVENT integrity-checksum at sector {reuse_sector} (third device): {len(at_reuse)}")
    t.ok(len(at) + len(at_reuse) == len(cks), f"no integrity-checksum at other sectors",
         f"sectors {sorted({r['f'].get('sector') for r in cks})}")
    t.ok(all(r["f"].get("res") == "0" and "dev" in r["f"] for r in cks), "integrity-checksum records carry dev= and res=0")
    lonely = [r["serial"] for r in events if len(by_serial[r["serial"]]) != 1]
    t.ok(not lonely, "each bio-level DM_EVENT stands alone under its own serial", f"serials {lonely}")
    ctr_devs = {r["f"].get("dev") for r in ctr}
    t.ok({r["f"].get("dev") for r in at + at_reuse} <= ctr_devs, "checksum dev is a device integritysetup constructed",
         f"events {sorted({r['f'].get('dev') for r in at + at_reuse})} ctr {sorted(ctr_devs)}")

    failed = [r for r in ctrl if r["f"].get("comm") == "dmsetup" and r["f"].get("op") == "ctr" and r["f"].get("res") == "0"]
    t.ok(len(failed) == 1, f"one failed ctr (res=0) from dmsetup: {len(failed)}")
    if failed:
        s = failed[0]["serial"]
        t.ok(failed[0]["f"].get("error_msg") == "The device is not initialized",
             "failed ctr error_msg='The device is not initialized'", failed[0]["f"].get("error_msg"))
        same = by_serial[s]
        t.ok(any(r["type"] == DM_CTRL and r["f"].get("op") == "dtr" and r["f"].get("res") == "1" for r in same),
             f"dtr res=1 under the same serial {s}")
        t.ok(any(r["type"] == SYSCALL and r["f"].get("success") == "no" and r["f"].get("exit") == "-22" for r in same),
             f"failing SYSCALL (success=no exit=-22) under serial {s}")

    stderr_name = {"records-reference.txt": "refcap.stderr"}.get(file, "listener.stderr")
    try:
        summary = re.findall(r"nlcap: (\d+) records, (\d+) ENOBUFS", open(t.path(stderr_name)).read())
    except OSError:
        summary = []
    if summary:
        n, lost = map(int, summary[-1])
        t.ok(lost == 0, "capture saw no ENOBUFS (no loss on its socket)", f"{lost} ENOBUFS")
        t.ok(n == len(records), f"capture's own count ({n}) matches the lines in {file}", f"{len(records)} lines")
