"""Check: the seed procedure behaved as on the real kernel, and the listener(s) lived and stopped cleanly."""
import re


def check(t, _file):
    run = t.run
    t.ok(run.get("PROCEDURE_RC") == "0", "seed procedure exited 0", f"PROCEDURE_RC={run.get('PROCEDURE_RC')}")
    try:
        steps = open(t.path("steps.log")).read()
    except OSError:
        t.ok(False, "steps.log exists")
        return
    unexpected = re.findall(r"^### .*UNEXPECTED.*$", steps, re.M)
    t.ok(not unexpected, "every step behaved as expected", "; ".join(unexpected[:3]))
    t.ok("ABORT" not in steps, "procedure ran to the end (no ABORT)")
    t.ok("Input/output error" in steps, "reading the corrupted mapping failed with an I/O error")
    m = re.findall(r"^\s*failures:\s*(\d+)", steps, re.M)
    t.ok(len(m) >= 2 and m[0] == "0" and int(m[-1]) > 0, "integritysetup status: failures 0 before, > 0 after the corruption", f"failures={m}")
    t.ok(re.search(r"\+ dmsetup create badint .*\n(?:.*\n)*?### .* rc=[1-9]\d* expect=fail OK", steps) is not None,
         "dmsetup create badint failed, as intended")
    ok_rc = t.param("listener_ok_rc", "0 143").split()
    for name in ("LISTENER", "DAEMONLISTENER", "REFCAP"):
        if name + "_RC" in run:
            t.ok(run[name + "_RC"] in ok_rc, f"{name.lower()} stopped by SIGTERM with an accepted status", f"{name}_RC={run[name + '_RC']}")
    t.ok(run.get("E2E_RC") == "0", "guest orchestration reported success", f"E2E_RC={run.get('E2E_RC')}")
