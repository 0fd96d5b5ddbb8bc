"""Check: dmaudit's `listen --format json` output (one JSON object per line).

PROVISIONAL: dmaudit's JSON schema is not fixed yet, so these assertions are schema-agnostic: the
file is JSON Lines, and the facts the real kernel produced (see the stand-in check) show up in it as
values. When the schema is fixed, replace SCHEMA-AGNOSTIC parts with field-level assertions (and,
when records-reference.txt exists, compare record by record against the reference capture).
Params: marker_sector (default 20000)."""
import json
import os
import re


def values(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from values(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from values(v)
    else:
        yield str(obj)


def check(t, file):
    file = file or t.run.get("LISTENER_OUTPUT") or "listen-multicast.jsonl"
    path = t.path(file)
    if not t.ok(os.path.exists(path), f"{file} exists"):
        return
    objs, bad = [], []
    for n, line in enumerate(open(path, errors="replace"), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
            (objs if isinstance(o, dict) else bad).append(o if isinstance(o, dict) else n)
        except ValueError:
            bad.append(n)
    t.ok(objs, f"{file}: {len(objs)} JSON objects")
    t.ok(not bad, "every line is a JSON object", f"bad lines {bad[:5]}")
    sector = str(t.param("marker_sector", "20000"))
    texts = [" ".join(values(o)) for o in objs]
    # SCHEMA-AGNOSTIC: look for the kernel's words among the values.
    t.ok(any("integrity-checksum" in s and re.search(rf"\b{sector}\b", s) for s in texts),
         f"an integrity-checksum event at sector {sector}")
    t.ok(any("The device is not initialized" in s for s in texts), "the failed constructor's error_msg")
    t.ok(sum(1 for s in texts if re.search(r"\bctr\b", s)) >= 3, "DM_CTRL ctr events (>= 3)")
    t.ok(sum(1 for s in texts if re.search(r"\bdtr\b", s)) >= 3, "DM_CTRL dtr events (>= 3)")
