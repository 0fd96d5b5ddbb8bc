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
  - each of the three was seen at least once;
  - integrity-xfs0 (no reverse map, a busy log): the file sector's events located while mounted
    say "regular (FIEMAP)", the only way to name it there.
Also `dmaudit locate` (locate-cli.jsonl), run by the script on the file sector, gives the same.

verity-ext4 (a file block and a freed block, no inode-table case): the kernel names the data device
and a data block (6.12, audit `verify-data`) or the verity device and the block (6.1, where dm-verity
writes no audit record: the uevent DM_VERITY_ERR_BLOCK_NR=0,N, an `origin: uevent` event); either
way the location must end on the verity device at block x 8, and the chain must start at the data
device. On 6.1 every verity event must be of origin uevent; on 6.12 the file block must be reported
by an audit record naming the data device and the data block. `dmaudit locate --op verify-data
DATADEV BLOCK` and `--uevent --op verify-data VERITYDEV BLOCK` must agree.
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
        verity = combo.startswith("verity-")
        want = 2 if verity else 3
        if not t.ok(win and len(exps) == want, f"{combo}: {want} corruptions and a read-back window"):
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
            if e.get("mounted_detail"):
                mounted = [o for o in hits if o["location"].get("mount_point")]
                t.ok(mounted and all(o["location"].get("detail") == e["mounted_detail"] for o in mounted),
                     f"{combo}: {e['case']}: the {len(mounted)} event(s) located while mounted say {e['mounted_detail']!r}",
                     str([(o["serial"], o["location"].get("detail")) for o in hits][:4]))
            if e["case"] == "inode-table":
                # The mount itself may read that block: located before the filesystem shows in the
                # mount table, such an event has no mount point and (ncheck stopping at the damaged
                # block) no path. Located once mounted, it must name the victim's path.
                mounted = [o for o in hits if o["location"].get("mount_point")]
                t.ok(mounted and all(e["path"] in (o["location"].get("paths") or []) for o in mounted),
                     f"{combo}: inode-table: the {len(mounted)} event(s) located while mounted name {e['path']}",
                     str([(o["serial"], o["location"].get("paths")) for o in hits][:4]))
        f = [e for e in exps if e["case"] == "file"][0]
        if verity:
            check_verity(t, combo, win[0], exps, mine, cli)
        c = cli.get(combo)
        if c is not None or os.path.exists(t.path("locate-cli.jsonl")):
            asked = (f"--op verify-data {f['data_device']} {f['data_block']}" if verity
                     else f"{f['fs_device']} {f['fs_sector']}")
            t.ok(c is not None and top(c.get("location")) == (f["fs_device"], f["fs_sector"])
                 and not matches(f, c["location"]), f"{combo}: dmaudit locate {asked} agrees",
                 str(c and (c.get("location"), matches(f, c["location"]))))


def check_verity(t, combo, win, exps, mine, cli):
    kernel = win.get("kernel") or ""
    old = kernel.startswith("6.1.")
    for e in exps:
        hits = [o for o in mine if top(o.get("location")) == (e["fs_device"], e["fs_sector"])]
        starts = [((o["location"].get("chain") or [{}])[0].get("device"), (o["location"].get("chain") or [{}])[0].get("sector"))
                  for o in hits]
        t.ok(hits and all(x == (e["data_device"], e["data_block"] * 8) for x in starts),
             f"{combo}: {e['case']}: the chain starts at the data device {e['data_device']} sector {e['data_block'] * 8}",
             str(starts[:4]))
        reports = [(o.get("origin", "audit"), o.get("device"), [r.get("op") for r in o["dm"]], [r.get("sector") for r in o["dm"]])
                   for o in hits]
        if old:
            # 6.1: no verity audit record exists; the uevent (verity device, data block) is the report
            t.ok(hits and all(r[0] == "uevent" and r[1] == e["fs_device"] and r[2] == ["verify-data"]
                              and r[3] == [e["data_block"]] for r in reports),
                 f"{combo} on {kernel}: {e['case']}: reported by the uevent only (verity device {e['fs_device']}, block {e['data_block']})",
                 str(reports[:4]))
        else:
            t.ok(any(r[0] == "audit" and r[1] == e["data_device"] and r[2] == ["verify-data"] and r[3] == [e["data_block"]]
                     for r in reports),
                 f"{combo} on {kernel}: {e['case']}: an audit verify-data on the data device {e['data_device']} block {e['data_block']}",
                 str(reports[:4]))
    f = [e for e in exps if e["case"] == "file"][0]
    c = cli.get(combo + "+uevent")
    if c is not None or cli.get(combo) is not None:
        t.ok(c is not None and top(c.get("location")) == (f["fs_device"], f["fs_sector"]) and not matches(f, c["location"]),
             f"{combo}: dmaudit locate --uevent --op verify-data {f['fs_device']} {f['data_block']} agrees",
             str(c and (c.get("location"), matches(f, c["location"]))))
