"""Check: dmaudit's `listen --format json` output against what the real kernel did (schema: README,
"JSON output"). Runs for the multicast listener and for the daemon-mode listener.
  - every line one JSON object with the documented fields;
  - integritysetup's ctr/dtr as dm_control events naming device 254:N as `integritytest`, each with
    its SYSCALL (ioctl, 16 on x86-64) and PROCTITLE;
  - integrity-checksum data events for the corrupted logical sectors, named, standing alone;
  - the failed `dmsetup create`: ONE event holding ctr res=0 ('The device is not initialized') and
    dtr res=1, with the failing syscall (exit -22);
  - accounting: every DM record of the reference capture (nlcap on the same multicast group) is in
    exactly one event, and no DM record is there that the kernel did not send;
  - `dmaudit integrity status` reported the failures.
Params: marker_sector (default 20000), reuse_sector (default 3000)."""
import json
import os
import re

REUSE = "reusedint"  # the third device on the reused number (seed-procedure.sh E2E_REUSE_NAME)
REQUIRED = ("serial", "time", "time_ms", "kind", "completion", "records")


def load(t, file):
    path = t.path(file)
    if not t.ok(os.path.exists(path), f"{file} exists"):
        return None
    objs, bad = [], []
    with open(path, encoding="ascii", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError:
                bad.append(n)
                continue
            if isinstance(o, dict) and all(k in o for k in REQUIRED):
                objs.append(o)
            else:
                bad.append(n)
    t.ok(objs, f"{file}: {len(objs)} events")
    t.ok(not bad, "every line is one JSON object with the documented fields", f"bad lines {bad[:5]}")
    return objs


def reference_dm_serials(t):
    ref = t.run.get("REFCAP_OUTPUT")
    if not ref or not os.path.exists(t.path(ref)):
        return None
    serials = {}
    line_re = re.compile(r"^type=(1338|1339) msg=audit\(\d+\.\d+:(\d+)\):")
    for line in open(t.path(ref), errors="replace"):
        m = line_re.match(line)
        if m:
            serials[int(m.group(2))] = serials.get(int(m.group(2)), 0) + 1
    return serials


def check(t, file):
    daemon = file and "daemon" in file
    file = file or t.run.get("LISTENER_OUTPUT") or "listen-multicast.jsonl"
    objs = load(t, file)
    if objs is None:
        return
    sector = int(t.param("marker_sector", "20000"))
    dm = [o for o in objs if o["kind"] in ("dm_control", "dm_data")]
    t.ok(len(dm) == len(objs), "only DM events by default (no --all)", f"{len(objs) - len(dm)} others")

    control = [o for o in dm if o["kind"] == "dm_control"]
    isetup = [o for o in control if (o.get("process") or {}).get("comm") == "integritysetup"]
    ops = [r["op"] for o in isetup for r in o["dm"]]
    t.ok(ops.count("ctr") >= 3 and ops.count("dtr") >= 3 and ops.count("ctr") == ops.count("dtr"),
         f"integritysetup ctr/dtr events, balanced: ctr={ops.count('ctr')} dtr={ops.count('dtr')}")
    t.ok(all(all(r["success"] for r in o["dm"]) for o in isetup), "every integritysetup ctr/dtr succeeded (res=1)")
    # `integritysetup format` works on a temporary device (temporary-cryptsetup-UUID); open/close on
    # the named one (the last word of the command line). The kernel's record carries no name: it
    # comes from sysfs, confirmed by the stream (see DeviceNameResolver). A device created and
    # removed within milliseconds may be gone before a cold JVM under emulation reads its record:
    # the temporary device's name is best-effort (absent, never wrong); opened devices are always
    # named. device_reuse.py checks every event against the number's owner at the time.
    def expected_name(o):
        title = (o.get("syscall") or {}).get("proctitle", "")
        return "temporary-cryptsetup-" if " format " in title else title.split(" ")[-1]
    names = [(expected_name(o), o.get("device_name") or "") for o in isetup]
    t.ok(all((n == "" or n.startswith(e)) if e.endswith("-") else n == e for e, n in names)
         and any(e == "integritytest" for e, _ in names) and any(e == REUSE for e, _ in names),
         f"integritysetup events name their device: `integritytest` and `{REUSE}` (open/close) always, "
         "`temporary-cryptsetup-…` (format) or none if gone before it was read",
         str(names))
    t.ok(all(re.fullmatch(r"\d+:\d+", o.get("device") or "") for o in dm), "every DM event carries MAJ:MIN")
    t.ok(all((o.get("syscall") or {}).get("syscall") == 16 and (o["syscall"].get("proctitle") or "").startswith("integritysetup")
             for o in isetup), "each carries its ioctl SYSCALL (16) and PROCTITLE")
    t.ok(all(o["completion"] == "eoe" for o in control), "control events completed by their EOE")

    data = [o for o in dm if o["kind"] == "dm_data"]
    t.ok(len(data) >= 1, f"integrity-checksum data events: {len(data)}")
    reuse_sector = int(t.param("reuse_sector", "3000"))
    owner_of = {sector: "integritytest", reuse_sector: REUSE}
    t.ok(all(d["dm"][0]["op"] == "integrity-checksum" and d["dm"][0]["sector"] in owner_of and d["dm"][0]["success"] is False
             for d in data) and {d["dm"][0]["sector"] for d in data} == set(owner_of),
         f"data events: integrity-checksum at sectors {sector} and {reuse_sector} (third device), res=0",
         str([(d["dm"][0]["op"], d["dm"][0]["sector"]) for d in data]))
    t.ok(all(d.get("device_name") == owner_of.get(d["dm"][0]["sector"]) for d in data),
         f"data events name their device: `integritytest` at {sector}, `{REUSE}` at {reuse_sector}",
         str([(d["dm"][0]["sector"], d.get("device_name")) for d in data]))
    t.ok(all(d["completion"] == "standalone" for d in data), "bio-level data events stand alone (no timer)")

    failed = [o for o in control if (o.get("process") or {}).get("comm") == "dmsetup"]
    ok = (len(failed) == 1 and [(r["op"], r["success"]) for r in failed[0]["dm"]] == [("ctr", False), ("dtr", True)]
          and failed[0]["dm"][0].get("error_msg") == "The device is not initialized"
          and (failed[0].get("syscall") or {}).get("exit") == -22)
    t.ok(ok, "the failed dmsetup create is ONE event: ctr res=0 'The device is not initialized' + dtr res=1, exit -22",
         json.dumps([o["dm"] for o in failed])[:300])

    ref = reference_dm_serials(t)
    if ref is not None:
        ours = {}
        for o in dm:
            ours[o["serial"]] = ours.get(o["serial"], 0) + len(o["dm"])
        t.ok(ref == ours, f"every DM record the kernel multicast is accounted for: reference {sum(ref.values())} records "
             f"in {len(ref)} serials, {file} {sum(ours.values())} in {len(ours)}",
             f"missing {sorted(set(ref) - set(ours))[:10]}, extra {sorted(set(ours) - set(ref))[:10]}, "
             f"differing {[s for s in ref if s in ours and ref[s] != ours[s]][:10]}")

    if not daemon:
        status = t.path("dmaudit-integrity-status.json")
        if t.ok(os.path.exists(status), "dmaudit integrity status ran in the guest"):
            try:
                st = json.loads(open(status).read().strip().splitlines()[-1])
            except (ValueError, IndexError):
                st = {}
            t.ok(isinstance(st.get("failures"), int) and st["failures"] > 0,
                 f"dmaudit integrity status reports the failures: {st.get('failures')}", json.dumps(st)[:300])
        real = {}
        for sub in ("info", "table", "status"):
            try:
                real[sub] = [json.loads(l) for l in open(t.path(f"dmaudit-dm-{sub}.json")) if l.strip()]
            except (OSError, ValueError):
                real[sub] = []
        info = real["info"][0] if real["info"] else {}
        t.ok(info.get("name") == "integritytest" and isinstance(info.get("major"), int) and info.get("live_table") is True,
             "dmaudit dm info parses real dmsetup output", json.dumps(info)[:300])
        table = real["table"][0] if real["table"] else {}
        t.ok(table.get("target") == "integrity" and str(table.get("device", "")).startswith("7:"),
             "dmaudit dm table: an integrity target over the loop device", json.dumps(table)[:300])
        status = real["status"][0] if real["status"] else {}
        t.ok(status.get("target") == "integrity" and isinstance(status.get("mismatches"), int) and status["mismatches"] > 0,
             f"dmaudit dm status: integrity mismatches {status.get('mismatches')} > 0", json.dumps(status)[:300])
