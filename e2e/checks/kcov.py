"""Check: kernel coverage (e2e/guest/kcov.sh): every DM audit op of mainline, as dmaudit's
`listen --format json` reported it on this guest kernel, against the reference capture (nlcap)
and the kernel uevents (uevcap.py) of the same run. FILE: the listener output (default
kcov/listen.jsonl); the rest is read from kcov/ beside it.

Asserted per op: the device it names (the dm device, the data device or the `_dif` device under
dm-crypt), the unit of its sector (logical sector, crypt sector, data block; null for `sector=?`),
the failed-constructor pairs (ctr res=0 + dtr res=1, ONE event with the failing syscall), and that
every DM record the kernel multicast is in exactly one event. journal-checksum cannot occur on a
distribution kernel: the check asserts that the guest's dm-integrity module does not even contain
the op's name (compiled out, see docs/kernel-facts.md) and that no record has it.
dm-verity in ignore_corruption mode: one `origin: uevent` verify-data event per uevent the kernel
sent (the first 100 errors of the table), no verify-data audit record; in EIO mode the uevents are
deduplicated against the audit records.
"""
import json
import lzma
import os
import re
import shlex
import subprocess

DM_OPS = {
    "integrity": {"ctr", "dtr", "integrity-checksum", "journal-checksum", "mac-superblock", "mac-journal",
                  "integrity-replay-journal"},
    "crypt": {"ctr", "dtr", "integrity-aead"},
    "verity": {"ctr", "dtr", "verify-data", "verify-metadata", "max-corrupted-errors"},
}


def read_env(path):
    env = {}
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.rstrip("\n").partition("=")
            if k:
                parts = shlex.split(v) if v else [""]
                env[k] = " ".join(parts)
    return env


def reference(path):
    """serial -> list of (type, text) for every record nlcap got."""
    by = {}
    rx = re.compile(r"^type=(\d+) msg=audit\(\d+\.\d+:(\d+)\): ?(.*)$")
    if os.path.exists(path):
        for line in open(path, errors="replace"):
            m = rx.match(line.rstrip("\n"))
            if m:
                by.setdefault(int(m.group(2)), []).append((int(m.group(1)), m.group(3)))
    return by


def uevents(path):
    out = []
    if os.path.exists(path):
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            raw = bytes.fromhex(line.split()[1])
            parts = raw.split(b"\0")
            env = {}
            for p in parts[1:]:
                k, sep, v = p.partition(b"=")
                if sep:
                    env[k.decode()] = v.decode(errors="replace")
            out.append(env)
    return out


def module_has_string(t, module, text):
    """Whether the guest kernel's module file contains `text` (None when it cannot be read)."""
    kenv = read_env(t.path(".e2e/kernel.env"))
    kroot, kver = kenv.get("KROOT"), kenv.get("KVER")
    if not kroot or not kver:
        return None
    try:
        out = subprocess.run(["modinfo", "-b", kroot, "-k", kver, "-n", module], capture_output=True, text=True,
                             timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = out.stdout.strip()
    if out.returncode != 0 or not os.path.exists(path):
        return None
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    elif path.endswith(".zst"):
        try:
            data = subprocess.run(["zstd", "-qdc", path], capture_output=True, timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
    return text.encode() in data


def check(t, file):
    file = file or t.run.get("KCOV_OUTPUT") or "kcov/listen.jsonl"
    kdir = os.path.dirname(t.path(file))
    facts = read_env(os.path.join(kdir, "facts.env"))
    if not t.ok(facts, f"kcov/facts.env present ({len(facts)} facts)"):
        return
    kver = facts.get("KCOV_KERNEL", "")
    major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", kver).groups())
    t.say(f"  kernel {kver}")
    if not t.ok(os.path.exists(t.path(file)), f"{file} exists"):
        return
    events = [json.loads(l) for l in open(t.path(file)) if l.strip()]
    dm = [e for e in events if e["kind"] in ("dm_control", "dm_data")]
    t.ok(t.run.get("KCOV_RC", "0") == "0" and facts.get("KCOV_LISTENER_RC") in ("0", "143"),
         f"listener exit status {facts.get('KCOV_LISTENER_RC')}")

    def with_op(module, op, origin=None):
        return [e for e in dm if any(r["module"] == module and r["op"] == op for r in e["dm"])
                and (origin is None or e.get("origin", "audit") == origin)]

    # ---- every op of mainline: seen, or proven impossible -----------------------------------------
    seen = {(r["module"], r["op"]) for e in dm for r in e["dm"]}
    absent = sorted(f"{m}/{o}" for m, ops in DM_OPS.items() for o in ops if (m, o) not in seen)
    # integrity-checksum is the seed procedure's (e2e/checks/dmaudit_json.py; here only with inline
    # mode, 6.11+); journal-checksum is compiled out.
    # dm-verity's audit calls came to mainline after 6.1: Debian's 6.1 dm-verity.ko has none.
    verity_audits = module_has_string(t, "dm-verity", "verify-data")
    t.ok(verity_audits is not None, f"dm-verity module read: it {'has' if verity_audits else 'has NO'} audit ops on {kver}")
    allowed = {"integrity/integrity-checksum"} | (set() if verity_audits else {f"verity/{o}" for o in DM_OPS["verity"]})
    t.ok([a for a in absent if a not in allowed] == ["integrity/journal-checksum"],
         "every DM audit op seen here except journal-checksum (and integrity-checksum before 6.11: the seed's"
         + ("" if verity_audits else "; and every verity op: this kernel's dm-verity audits nothing") + ")",
         f"absent: {absent}")
    has = module_has_string(t, "dm-integrity", "journal-checksum")
    has_other = module_has_string(t, "dm-integrity", "integrity-replay-journal")
    t.ok(has is False and has_other is True,
         "journal-checksum is not in the guest's dm-integrity module at all (its only caller is under "
         "#ifdef INTERNAL_VERIFY), while integrity-replay-journal is",
         f"journal-checksum in module: {has}, integrity-replay-journal: {has_other}")
    rechecks = {m: module_has_string(t, m, f) for m, f in
                (("dm-integrity", "integrity_recheck"), ("dm-verity", "verity_recheck"), ("dm-crypt", "aead_recheck"))}
    t.ok(all(v is True for v in rechecks.values()),
         "the re-read before reporting (mainline 6.8, backported) is in this kernel: integrity_recheck, verity_recheck, "
         "aead_recheck in the modules' symbols, so every record below is a failure confirmed by a second read", str(rechecks))
    ref = reference(os.path.join(kdir, "records-reference.txt"))
    ref_ops = {re.search(r"op=(\S+)", x).group(1) for recs in ref.values() for ty, x in recs if ty in (1338, 1339)}
    t.ok("journal-checksum" not in ref_ops, "no journal-checksum record in the reference capture either")

    # ---- integrity --------------------------------------------------------------------------------
    replay = with_op("integrity", "integrity-replay-journal")
    t.ok(len(replay) >= 1 and all(r["dm"][0]["sector"] is None and r["dm"][0]["success"] is False
                                  and r["device"] == facts.get("KCOV_REPLAY_DEV") for r in replay)
         and any(r.get("device_name") == "kreplay" for r in replay),
         f"integrity-replay-journal: target-level (sector null), res=0, the dm device {facts.get('KCOV_REPLAY_DEV')} "
         f"`kreplay`, in the open that replayed the corrupted journal", json.dumps([r["dm"] for r in replay])[:300])
    t.ok(all(((r.get("syscall") or {}).get("proctitle") or "").startswith("integritysetup open") for r in replay),
         "integrity-replay-journal shares its serial with integritysetup's resume ioctl (SYSCALL/PROCTITLE)")
    macj = with_op("integrity", "mac-journal")
    t.ok(len(macj) >= 1 and all(r["dm"][0]["sector"] is None and r["device"] == facts.get("KCOV_MACJ_DEV") for r in macj),
         f"mac-journal: target-level, the dm device {facts.get('KCOV_MACJ_DEV')} (journal section MAC flipped, replay)",
         json.dumps([r["dm"] for r in macj])[:300])
    macsb = with_op("integrity", "mac-superblock")
    ok = (len(macsb) == 1 and [(r["op"], r["success"]) for r in macsb[0]["dm"]]
          == [("mac-superblock", False), ("ctr", False), ("dtr", True)]
          and macsb[0]["dm"][0]["sector"] is None and macsb[0]["dm"][1].get("error_msg") == "Error reading superblock"
          and (macsb[0].get("syscall") or {}).get("exit") == -84)
    t.ok(ok, "mac-superblock (wrong journal MAC key): ONE event: DM_EVENT mac-superblock sector=null, ctr res=0 "
             "'Error reading superblock', dtr res=1, syscall exit -84 (EILSEQ)", json.dumps([e["dm"] for e in macsb])[:400])

    # ---- crypt ------------------------------------------------------------------------------------
    cctr = [e for e in with_op("crypt", "ctr") if all(r["success"] for r in e["dm"])]
    cdtr = with_op("crypt", "dtr")
    t.ok(any(e["device"] == facts.get("KCOV_CRYPT_DEV") and e.get("device_name") == "kcrypt" for e in cctr)
         and any(e["device"] == facts.get("KCOV_CRYPT_DEV") for e in cdtr),
         f"crypt ctr/dtr of `kcrypt` ({facts.get('KCOV_CRYPT_DEV')}), its integrity device `kcrypt_dif` "
         f"({facts.get('KCOV_CRYPT_DIF')}) under it")
    aead = with_op("crypt", "integrity-aead")
    t.ok(len(aead) == 1 and aead[0]["device"] == facts.get("KCOV_CRYPT_DIF") and aead[0]["dm"][0]["sector"] == 80
         and aead[0]["completion"] == "standalone" and aead[0].get("device_name") == "kcrypt_dif",
         f"integrity-aead: the `_dif` device {facts.get('KCOV_CRYPT_DIF')} under the crypt device, sector 80 "
         "(4 KiB block 10 in 512-byte sectors), bio-level (standalone)", json.dumps([(e["device"], e["dm"]) for e in aead])[:300])
    bad_crypt = [e for e in with_op("crypt", "ctr") if not e["dm"][0]["success"]]
    t.ok(len(bad_crypt) == 1 and [(r["op"], r["success"]) for r in bad_crypt[0]["dm"]] == [("ctr", False), ("dtr", True)]
         and bad_crypt[0]["dm"][0].get("error_msg") == "Error decoding and setting key"
         and (bad_crypt[0].get("syscall") or {}).get("exit") == -22,
         "failed crypt ctr: ONE event, ctr res=0 'Error decoding and setting key' + dtr res=1, exit -22",
         json.dumps([e["dm"] for e in bad_crypt])[:300])

    block = int(facts.get("KCOV_VERITY_BLOCK", "5"))
    ue = uevents(os.path.join(kdir, "uevents.hex"))
    verr = [u for u in ue if "DM_VERITY_ERR_BLOCK_NR" in u]
    data_err = [u for u in verr if u["DM_VERITY_ERR_BLOCK_NR"] == f"0,{block}"]
    meta_err = [u for u in verr if u["DM_VERITY_ERR_BLOCK_NR"].startswith("1,")]
    t.ok(len(data_err) == 200 and len(meta_err) == 1,
         "the kernel sent 100 data-block uevents per table (EIO and logging: 200) and 1 hash-block uevent",
         f"{len(data_err)} data, {len(meta_err)} metadata: {[u['DM_VERITY_ERR_BLOCK_NR'] for u in meta_err]}")
    from_uevent = [e for e in dm if e.get("origin") == "uevent"]
    if verity_audits:
        # ---- verity: EIO mode -------------------------------------------------------------------------
        reads = int(facts.get("KCOV_VERITY_READS", "105"))
        data_dev = facts.get("KCOV_VERITY_DATA")
        vd = with_op("verity", "verify-data", "audit")
        t.ok(facts.get("KCOV_VERITY_EIO_FAILED_READS") == str(reads), f"EIO mode: all {reads} reads of the corrupt block failed")
        t.ok(len(vd) == reads and all(e["device"] == data_dev and e["dm"][0]["sector"] == block
                                      and e["completion"] == "standalone" for e in vd),
             f"verify-data: {reads} events (one per failed read, also after the 100th), naming the DATA device {data_dev} "
             f"and data block {block} (a block number, not a 512-byte sector)",
             f"{len(vd)} events: {sorted({(e['device'], e['dm'][0]['sector']) for e in vd})}")
        mce = with_op("verity", "max-corrupted-errors")
        t.ok(len(mce) == 2 and all(e["dm"][0]["sector"] is None and e["device"] == facts.get("KCOV_VERITY_EIO_DEV") for e in mce)
             and sorted(str(e.get("device_name")) for e in mce) == ["kveio", "kvlog"],
             "max-corrupted-errors: one per table at its 100th error (EIO `kveio` and logging `kvlog`), the dm device, sector null",
             json.dumps([(e["device"], e.get("device_name"), e["completion"]) for e in mce]))
        vm = with_op("verity", "verify-metadata", "audit")
        mblock = int(facts.get("KCOV_VERITY_META_BLOCK", "200"))
        t.ok(len(vm) == 1 and vm[0]["device"] == data_dev and vm[0]["dm"][0]["sector"] == mblock,
             f"verify-metadata: the DATA device {data_dev}, sector = the data block read ({mblock}), not the hash block",
             json.dumps([(e["device"], e["dm"]) for e in vm])[:300])
        bad_verity = [e for e in with_op("verity", "ctr") if not e["dm"][0]["success"]]
        t.ok(len(bad_verity) == 1 and [(r["op"], r["success"]) for r in bad_verity[0]["dm"]] == [("ctr", False), ("dtr", True)]
             and bad_verity[0]["dm"][0].get("error_msg") == "Invalid data device block size",
             "failed verity ctr: ONE event, ctr res=0 'Invalid data device block size' + dtr res=1",
             json.dumps([e["dm"] for e in bad_verity])[:300])
        vnames = {e.get("device_name") for e in with_op("verity", "ctr") + with_op("verity", "dtr") if e["dm"][0]["success"]}
        t.ok({"kveio", "kvlog", "kvmeta"} <= vnames, "verity ctr/dtr events name their tables", str(sorted(map(str, vnames))))

        # ---- verity: uevents (logging mode) ----------------------------------------------------------
        t.ok(facts.get("KCOV_VERITY_LOG_FAILED_READS") == "0", "logging mode: every read of the corrupt block succeeded")
        log_dev = facts.get("KCOV_VERITY_LOG_DEV")
        t.ok(len(from_uevent) == 100 and all(e["kind"] == "dm_data" and e["device"] == log_dev and e.get("device_name") == "kvlog"
                                             and e["dm"][0]["op"] == "verify-data" and e["dm"][0]["sector"] == block
                                             and e["serial"] == 0 and e["records"] == [] for e in from_uevent),
             f"logging mode: 100 verity verify-data events with origin uevent, naming the dm device {log_dev} `kvlog` and "
             f"block {block} (the kernel audits none of them)",
             f"{len(from_uevent)} uevent events: {sorted({(e['device'], e.get('device_name'), e['dm'][0]['sector']) for e in from_uevent})}")
        t.ok(all(any(k == "DM_VERITY_ERR_BLOCK_NR" for k, _ in e["uevent"]["env"]) and e["uevent"]["seqnum"] > 0
                 for e in from_uevent), "each carries its uevent (env, seqnum)")
        t.ok(not [e for e in vd if e.get("origin") == "uevent"] and len(with_op("verity", "verify-metadata")) == 1,
             "EIO mode: each of the 100 data uevents and the hash-block uevent was reported once, as its audit event")
    else:
        vrec = [x for recs in ref.values() for ty, x in recs if ty in (1338, 1339) and "module=verity" in x]
        t.ok(not vrec and not [e for e in dm if e.get("origin", "audit") == "audit" and e["dm"][0]["module"] == "verity"],
             "no verity audit record at all on this kernel (no ctr/dtr, no verify-data), in the reference or in dmaudit's output")
        t.ok(facts.get("KCOV_VERITY_EIO_FAILED_READS") == facts.get("KCOV_VERITY_READS"),
             "EIO mode still fails every read of the corrupt block: only the uevents say why")
        got = sorted((e.get("device_name"), e["dm"][0]["op"], e["dm"][0]["sector"]) for e in from_uevent)
        want = sorted([("kveio", "verify-data", block)] * 100 + [("kvlog", "verify-data", block)] * 100
                      + [("kvmeta", "verify-metadata", int(meta_err[0]["DM_VERITY_ERR_BLOCK_NR"].split(",")[1]) if meta_err else -1)])
        t.ok(got == want and all(e["device"] == facts.get("KCOV_VERITY_EIO_DEV") and e["serial"] == 0 for e in from_uevent),
             "every verity corruption the kernel reported is an origin=uevent event, named after ITS table by the "
             "uevent's DISKSEQ (100 kveio, 100 kvlog, 1 kvmeta: the hash block), none lost, none deduplicated",
             f"{len(from_uevent)} events: {sorted(set(got))}")

    # ---- accounting -------------------------------------------------------------------------------
    ref_dm = {s: sum(1 for ty, _ in recs if ty in (1338, 1339)) for s, recs in ref.items()}
    ref_dm = {s: n for s, n in ref_dm.items() if n}
    ours = {}
    for e in dm:
        if e.get("origin", "audit") == "audit":
            ours[e["serial"]] = ours.get(e["serial"], 0) + len(e["dm"])
    t.ok(ref_dm == ours, f"every DM record the kernel multicast is in one event: {sum(ref_dm.values())} records "
                         f"in {len(ref_dm)} serials", f"missing {sorted(set(ref_dm) - set(ours))[:10]}, extra "
                         f"{sorted(set(ours) - set(ref_dm))[:10]}")

    # ---- kernel differences -----------------------------------------------------------------------
    paths = sorted({sum(1 for ty, _ in recs if ty == 1302) for s, recs in ref.items()
                    if any(ty == 1338 and "op=ctr" in x and "res=1" in x for ty, x in recs)})
    want = [8] if (major, minor) >= (6, 12) else [6]
    t.ok(paths == want, f"PATH records per successful ctr event on {major}.{minor}: {want}", str(paths))

    # ---- dm-integrity inline mode (6.11+) --------------------------------------------------------
    def failed_ctr_of(name):
        return [e for e in with_op("integrity", "ctr") if not e["dm"][0]["success"]
                and f"create {name} " in ((e.get("syscall") or {}).get("proctitle") or "")]
    inline_rc = facts.get("KCOV_INLINE_RC")
    t.say(f"  inline mode on {kver}: NVMe {facts.get('KCOV_INLINE_DISK')}, create rc {inline_rc}; "
          f"scsi_debug {facts.get('KCOV_INLINE_SCSI_DISK')}, create rc {facts.get('KCOV_INLINE_SCSI_RC')}")
    if (major, minor) >= (6, 11):
        scsi = failed_ctr_of("kinlinescsi")
        t.ok(facts.get("KCOV_INLINE_SCSI_RC") not in (None, "0") and len(scsi) == 1
             and [(r["op"], r["success"]) for r in scsi[0]["dm"]] == [("ctr", False), ("dtr", True)]
             and scsi[0]["dm"][0].get("error_msg") == "Integrity profile not supported",
             "inline mode on scsi_debug with T10 PI (a CRC profile): refused, ONE event ctr res=0 "
             "'Integrity profile not supported' + dtr res=1", json.dumps([e["dm"] for e in scsi])[:300])
        nvme_dev = ((facts.get("KCOV_INLINE_DISK") or "").split() + ["?", "?"])[1]
        built = [e for e in with_op("integrity", "ctr") if e.get("device_name") == "kinline" and e["dm"][0]["success"]]
        t.ok(inline_rc == "0" and built and built[0]["device"] == facts.get("KCOV_INLINE_DEV"),
             f"inline mode on the NVMe namespace with metadata and no PI ({facts.get('KCOV_INLINE_DISK')}): built, "
             f"its ctr names the dm device {facts.get('KCOV_INLINE_DEV')} `kinline`")
        chk = with_op("integrity", "integrity-checksum")
        raw = int(facts.get("KCOV_INLINE_RAW_SECTOR", "0"))
        t.ok(facts.get("KCOV_INLINE_READ_RC") not in (None, "0") and len(chk) >= 1
             and all(e["device"] == nvme_dev and e["dm"][0]["sector"] == 80 and e["completion"] == "standalone"
                     and e.get("device_name") is None for e in chk) and raw != 80,
             f"inline mode: the corrupt block's integrity-checksum names the NVMe namespace {nvme_dev} UNDER the dm "
             f"device (not {facts.get('KCOV_INLINE_DEV')}) with the dm device's logical sector 80 (the data sat at raw "
             f"sector {raw}); dmaudit does not name it (only dm devices are named)",
             json.dumps([(e["device"], e.get("device_name"), e["dm"]) for e in chk])[:400])
        # dmaudit locate on that record: the walk starts at the inline-mode holder (docs/locate.md)
        lpath = os.path.join(kdir, "inline-locate.json")
        try:
            loc = json.loads(open(lpath).read())
        except (OSError, ValueError) as ex:
            loc = {"error": str(ex)}
        where = loc.get("location") or {}
        chain = [(c.get("device"), c.get("name"), c.get("target"), c.get("sector")) for c in where.get("chain", [])]
        t.ok(facts.get("KCOV_INLINE_LOCATE_RC") == "0"
             and chain == [(nvme_dev, "nvme0n1", None, 80), (facts.get("KCOV_INLINE_DEV"), "kinline", "integrity", 80)]
             and "inline mode" in (where.get("chain") or [{}])[0].get("note", ""),
             f"inline mode: `dmaudit locate --op integrity-checksum {nvme_dev} 80` walks from the namespace to "
             f"kinline ({facts.get('KCOV_INLINE_DEV')}) at sector 80, the first step noting the inline mode",
             json.dumps(loc)[:600])
        # no filesystem on kinline: the locator's answer for the top device is `unknown` with its reason;
        # its probe of the first 68 KiB meets the corrupt block 10 (40 KiB in), so the reason is the read error
        t.ok(where.get("kind") == "unknown" and where.get("fs_device") in (None, "/dev/mapper/kinline")
             and "/dev/mapper/kinline" in (where.get("detail") or ""),
             f"inline mode: no filesystem on kinline, the class is `unknown` with the reason naming /dev/mapper/kinline "
             f"({where.get('detail')!r})", json.dumps(where)[:400])
    else:
        nv = failed_ctr_of("kinline")
        t.ok(inline_rc not in (None, "0") and len(nv) == 1
             and [(r["op"], r["success"]) for r in nv[0]["dm"]] == [("ctr", False), ("dtr", True)],
             f"no inline mode before 6.11: the 'I' table is refused, ONE event ctr res=0 + dtr res=1 "
             f"({nv[0]['dm'][0].get('error_msg') if nv else None!r})", json.dumps([e["dm"] for e in nv])[:300])
