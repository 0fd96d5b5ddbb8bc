"""Check: the device health history on the real kernel (e2e/guest/history.sh, issue 12).
Ground truth per device: the sectors the guest corrupted and the kernel's mismatch counter
(`dmsetup status`). `dmaudit report` must give, per device, exactly that many failures, the
corrupted sectors as its distinct sectors, the dm uuid; the listener's output must show as many
failed DM_EVENTs; check is CRITICAL (exit 2) naming every device, OK (exit 0) after `ack --all`,
and CRITICAL again for the one device corrupted afterwards.
"""
import json
import os


def truth(t, name):
    out = {}
    for line in open(t.path(name)):
        words = line.split()
        kv = dict(w.split("=", 1) for w in words[1:])
        out[kv["dev"]] = {"name": words[0], "mismatches": int(kv["mismatches"]), "uuid": kv["uuid"],
                          "sectors": sorted(int(s) for s in kv["sectors"].split(","))}
    return out


def report(t, name):
    return {d["device"]: d for d in json.load(open(t.path(name)))["devices"]}


def rc(text):
    return [l for l in text.splitlines() if l.startswith("rc=")][-1][3:]


def listener_said(t):
    """The listener's exit status and the end of its stderr and stdout, for a failure's detail."""
    said = []
    for name in ("history-listener.rc", "history-listener.stderr", "history-listener.stdout"):
        text = open(t.path(name), errors="replace").read() if os.path.exists(t.path(name)) else "(none)"
        said.append(f"{name}: {text.strip()[-600:]}")
    return " | ".join(said)


def check(t, file):
    if not t.ok(os.path.exists(t.path("history-truth1.txt")), "the history scenario ran in the guest"):
        return
    log = open(t.path("history.log"), errors="replace").read()
    t.ok("setup_fail=0" in log, "the guest set up and corrupted three dm-integrity devices", log[-300:])
    t1, t2 = truth(t, "history-truth1.txt"), truth(t, "history-truth2.txt")
    t.ok(all(v["mismatches"] >= len(v["sectors"]) for v in t1.values()),
         "the kernel counted at least one mismatch per corrupted sector", json.dumps(t1))
    if os.path.exists(t.path("history-listener-abort.stdout")):
        t.say("    note: the JVM aborted once starting the listener (history-listener-abort.stdout); it ran again")
    if not t.ok(os.path.exists(t.path("history-listen.jsonl")), "the listener started and wrote its output",
                listener_said(t)):
        return
    shown = {}
    for line in open(t.path("history-listen.jsonl"), errors="replace"):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        for r in o.get("dm", []):
            if r.get("type") == "DM_EVENT" and not r.get("success"):
                shown[r["dev"]] = shown.get(r["dev"], 0) + 1
    r1 = report(t, "history-report1.json")
    for dev, v in t1.items():
        d = r1.get(dev)
        if not t.ok(d is not None, f"report lists {v['name']} ({dev})", str(sorted(r1))):
            continue
        t.ok(d["failures"] == v["mismatches"], f"{v['name']}: report failures {d['failures']} = the kernel's mismatches {v['mismatches']}")
        t.ok(d["distinct_sectors"] == len(v["sectors"]) and sorted(s["sector"] for s in d["top_sectors"]) == v["sectors"],
             f"{v['name']}: distinct sectors {d['distinct_sectors']} = the corrupted {v['sectors']}",
             json.dumps(d["top_sectors"]))
        t.ok(d["name"] == v["name"] and d["uuid"] == (v["uuid"] or None), f"{v['name']}: name and dm uuid {d['uuid']}")
        t.ok(d["acknowledged"] is False, f"{v['name']}: not acknowledged yet")
    # The listener's output at the end holds every failure of both phases.
    r2 = report(t, "history-report2.json")
    for dev, v in t2.items():
        d = r2.get(dev, {})
        t.ok(d.get("failures") == v["mismatches"] == shown.get(dev), f"{v['name']}: after the second phase report "
             f"{d.get('failures')} = kernel {v['mismatches']} = output {shown.get(dev)}")
    c1 = open(t.path("history-check1.txt")).read()
    total = sum(v["mismatches"] for v in t1.values())
    t.ok(rc(c1) == "2" and c1.startswith(f"DMAUDIT CRITICAL - {total} unacknowledged data failures on 3 devices"),
         "check: CRITICAL, exit 2, every failure counted", c1.strip())
    c2 = open(t.path("history-check2.txt")).read()
    t.ok(rc(c2) == "0" and c2.startswith("DMAUDIT OK - "), "check after ack --all: OK, exit 0", c2.strip())
    c3 = open(t.path("history-check3.txt")).read()
    hb = [dev for dev, v in t1.items() if v["name"] == "hB"][0]
    new = t2[hb]["mismatches"] - t1[hb]["mismatches"]
    t.ok(rc(c3) == "2" and f"{new} unacknowledged data failure" in c3 and "on 1 device: " + hb in c3,
         "check after a new corruption on hB: CRITICAL for hB alone", c3.strip())
    err = open(t.path("history-listener.stderr"), errors="replace").read()
    lrc = open(t.path("history-listener.rc")).read().strip() if os.path.exists(t.path("history-listener.rc")) else "?"
    last = [l for l in err.splitlines() if l.startswith("dmaudit: stats ")][-1:]
    t.ok(lrc == "rc=0" and last and "sink.history.failed=0" in last[0] and "sink.output.failed=0" in last[0],
         "the listener stopped cleanly on SIGTERM (exit 0) and stored everything", lrc + " " + err[-300:])
    sessions = json.load(open(t.path("history-report2.json")))["sessions"]
    t.ok(sessions == 1, f"one listener session recorded ({sessions})")
