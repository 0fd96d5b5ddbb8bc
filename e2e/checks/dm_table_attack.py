"""Check: the dm-table key leak (issue 18) on the real dmsetup. A device named `evil: 0 1 zero`
forges the all-devices table's prefix; the crypt device `leaky` has a known key. dmaudit's
`dm table` (every device, text and JSON) must list `leaky` as a crypt target with its key
redacted, and the key's hex must appear nowhere in its output.
"""
import json
import os


def check(t, file):
    key_path = t.path("dm-table-attack.key")
    if not t.ok(os.path.exists(key_path), "the dm-table attack ran in the guest"):
        return
    key = open(key_path).read().strip()
    log = open(t.path("dm-table-attack.log"), errors="replace").read()
    t.ok("setup_rc=0" in log and key in log, "the guest made the forged-name device and the crypt device "
         "(`dmsetup table --showkeys` shows the key)", log[-400:])
    text = open(t.path("dm-table-attack.text"), errors="replace").read()
    js = open(t.path("dm-table-attack.json"), errors="replace").read()
    t.ok(key not in text and key not in js, "the crypt key appears nowhere in `dmaudit dm table` (text and JSON)",
         "KEY LEAKED" if key in text + js else "")
    rows = []
    for line in js.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            pass
    leaky = [r for r in rows if r.get("name") == "leaky"]
    t.ok(len(leaky) == 1 and leaky[0].get("target") == "crypt" and "redacted" in json.dumps(leaky[0]),
         "`leaky` is listed as a crypt target with its key redacted", json.dumps(leaky)[:300])
    evil = [r for r in rows if r.get("name") == "evil: 0 1 zero"]
    t.ok(len(evil) == 1 and evil[0].get("target") == "zero", "the forged name is one device with its own zero target",
         json.dumps(evil)[:300])
