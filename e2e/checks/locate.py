"""Check: `dmaudit listen --locate` placed every failing sector of e2e/guest/locate.sh.

Reads locate-expect.jsonl (what the guest script corrupted, found with tools independent of
dmaudit: FIEMAP, debugfs imap, xfs_db convert, the stack's dmsetup tables) and the listener's
locate-listen.jsonl. For each combo (stack + filesystem) and its read-back window:
  - every data event of the window has a location whose chain ends on the filesystem's device at
    one of the corrupted sectors (no unexplained event, none unlocated);
  - the file sector: kind file, the filesystem, the inode, both paths (the directory with spaces
    and the hard link, under the mount point) and the byte offset in the file;
  - the freed block: kind free;
  - the inode-table sector: kind metadata, detail inode_table, the victim's inode; and its path in
    every such event located while the filesystem was mounted;
  - each of the three was seen at least once.
Also `dmaudit locate` (locate-cli.jsonl), run by the script on the file sector, gives the same.
"""
import json
import os


def load(path):
    out = []
    if os.path.exists(path):
        for line in open(path, errors="replace"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def top(loc):
    chain = (loc or {}).get("chain") or []
    return (chain[-1]["device"], chain[-1]["sector"]) if chain else (None, None)


def matches(exp, loc):
    why = []
    if loc.get("kind") != exp["kind"]:
        why.append(f"kind {loc.get('kind')} != {exp['kind']} ({loc.get('detail')})")
    if loc.get("filesystem") != exp["fs"]:
        why.append(f"filesystem {loc.get('filesystem')}")
    if exp["case"] == "file":
        if loc.get("inode") != exp["inode"]:
            why.append(f"inode {loc.get('inode')} != {exp['inode']}")
        if sorted(loc.get("paths") or []) != sorted(exp["paths"]):
            why.append(f"paths {loc.get('paths')} != {exp['paths']}")
        if loc.get("file_offset") != exp["file_offset"]:
            why.append(f"file_offset {loc.get('file_offset')} != {exp['file_offset']}")
    if exp["case"] == "inode-table":
        if loc.get("detail") != "inode_table":
            why.append(f"detail {loc.get('detail')}")
        if exp["inode"] not in (loc.get("inodes") or []):
            why.append(f"inodes {loc.get('inodes')} lack {exp['inode']}")
    return why


def check(t, file):
    exp_all = load(t.path("locate-expect.jsonl"))
    events = [o for o in load(t.path(file or "locate-listen.jsonl")) if o.get("kind") == "dm_data"]
    if not t.ok(exp_all, "locate-expect.jsonl has expectations"):
        return
    t.ok(events, f"{file or 'locate-listen.jsonl'} has data events ({len(events)})")
    combos = []
    for e in exp_all:
        if e["combo"] not in combos:
            combos.append(e["combo"])
    cli = {o.get("combo"): o for o in load(t.path("locate-cli.jsonl"))}
    for combo in combos:
        exps = [e for e in exp_all if e["combo"] == combo and e["case"] != "window"]
        win = [e for e in exp_all if e["combo"] == combo and e["case"] == "window"]
        if not t.ok(win and len(exps) == 3, f"{combo}: three corruptions and a read-back window"):
            continue
        lo, hi = win[0]["from"] * 1000, win[0]["to"] * 1000 + 1000
        mine = [o for o in events if lo <= o["time_ms"] <= hi]
        by_sector = {(e["fs_device"], e["fs_sector"]): e for e in exps}
        unexplained = [(o["serial"], o.get("device"), [r.get("sector") for r in o["dm"]], top(o.get("location")),
                        (o.get("location") or {}).get("detail")) for o in mine if top(o.get("location")) not in by_sector]
        t.ok(not unexplained, f"{combo}: all {len(mine)} data events located on a corrupted sector", str(unexplained[:4]))
        for e in exps:
            hits = [o for o in mine if top(o.get("location")) == (e["fs_device"], e["fs_sector"])]
            if not t.ok(hits, f"{combo}: {e['case']} sector {e['fs_sector']} reported"):
                continue
            # XFS events located while unmounted (the script's own check read) come from xfs_db -r:
            # judged like the others (kind, detail, the victim's inode).
            judged = hits
            bad = [(o["serial"], matches(e, o["location"])) for o in judged if matches(e, o["location"])]
            t.ok(judged and not bad, f"{combo}: {e['case']}: {len(judged)} event(s) say {e['kind']}"
                 + (f" {e['paths'][0]} @ {e['file_offset']}" if e["case"] == "file" else "")
                 + (f" inode {e['inode']} {e['path']}" if e["case"] == "inode-table" else ""), str(bad[:3]))
            if e["case"] == "inode-table":
                # The mount itself may read that block: located before the filesystem shows in the
                # mount table, such an event has no mount point and (ncheck stopping at the damaged
                # block) no path. Located once mounted, it must name the victim's path.
                mounted = [o for o in hits if o["location"].get("mount_point")]
                t.ok(mounted and all(e["path"] in (o["location"].get("paths") or []) for o in mounted),
                     f"{combo}: inode-table: the {len(mounted)} event(s) located while mounted name {e['path']}",
                     str([(o["serial"], o["location"].get("paths")) for o in hits][:4]))
        f = [e for e in exps if e["case"] == "file"][0]
        c = cli.get(combo)
        if c is not None or os.path.exists(t.path("locate-cli.jsonl")):
            t.ok(c is not None and top(c.get("location")) == (f["fs_device"], f["fs_sector"])
                 and not matches(f, c["location"]), f"{combo}: dmaudit locate {f['fs_device']} {f['fs_sector']} agrees",
                 str(c and (c.get("location"), matches(f, c["location"]))))
