"""Check: no event of dmaudit's JSON output carries the name of another owner of its device number.
The kernel reuses a freed minor at once; the seed procedure gives 254:0 to the temporary format
device, `integritytest`, the failing `badint`, another temporary device and `reusedint`, in turn.
The owner of a number at each event follows from the stream itself, in serial order: a successful
ctr gives the number to the device its command names (`integritysetup open … NAME`, `dmsetup
create NAME`; `temporary-cryptsetup-*` for `integritysetup format`), events until its dtr are
that owner's, and a failed constructor never had a device under any name. Asserts:
  - every event's device_name is null or its owner's name at that point (for a failed ctr: null);
  - one number really had at least three owners, one of them a failed constructor;
  - each owner's bio-level data events are named (read while their device exists).
"""
import json
import os


def owner_from_ctr(o):
    title = (o.get("syscall") or {}).get("proctitle") or ""
    words = title.split(" ")
    if " format " in f" {title} ":
        return "temporary-cryptsetup-"
    if len(words) >= 3 and words[0].endswith("dmsetup") and words[1] == "create":
        return words[2]
    return words[-1] if words else None


def name_ok(expected, got):
    if got is None:
        return True
    if expected is None:
        return False
    return got.startswith(expected) if expected.endswith("-") else got == expected


def check(t, file):
    file = file or t.run.get("LISTENER_OUTPUT") or "listen-multicast.jsonl"
    path = t.path(file)
    if not t.ok(os.path.exists(path), f"{file} exists"):
        return
    events = []
    for line in open(path, errors="replace"):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and o.get("kind") in ("dm_control", "dm_data"):
            events.append(o)
    events.sort(key=lambda o: o["serial"])
    owner = {}      # device -> current owner's name (None: no owner, or a failed constructor)
    owners = {}     # device -> list of owners it had, in order
    wrong, unnamed_data = [], []
    for o in events:
        dev = o.get("device")
        ops = [(r.get("op"), r.get("success")) for r in o["dm"] if r.get("dev") == dev]
        expected = owner.get(dev)
        if ("ctr", False) in ops:
            expected = None
            owners.setdefault(dev, []).append("(failed ctr)")
            owner[dev] = None
        elif ("ctr", True) in ops:
            expected = owner_from_ctr(o)
            owners.setdefault(dev, []).append(expected)
            owner[dev] = expected
        got = o.get("device_name")
        if not name_ok(expected, got):
            wrong.append((o["serial"], dev, [r.get("op") for r in o["dm"]], got, expected))
        if o["kind"] == "dm_data" and got is None:
            unnamed_data.append((o["serial"], dev, expected))
        if any(op == "dtr" for op, _ in ops) and not ("ctr", True) in ops:
            owner[dev] = None
    t.say("    owners per number: " + "; ".join(f"{d}: {' -> '.join(map(str, v))}" for d, v in owners.items()))
    t.ok(not wrong, f"{file}: no event names another owner of its number ({len(events)} events)",
         "serial, dev, ops, got, expected: " + str(wrong[:6]))
    busiest = max(owners.values(), key=len, default=[])
    t.ok(len(busiest) >= 3 and "(failed ctr)" in busiest,
         f"one number had >= 3 owners incl. a failed constructor: {len(busiest)}", str(busiest))
    t.ok(not unnamed_data, "bio-level data events are named", str(unnamed_data[:6]))
