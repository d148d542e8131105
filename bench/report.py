#!/usr/bin/env python3
"""report.py — the table of bench/run.sh: medians per figure and server, FtpFork/vsftpd ratios, issue 5 targets.

  report.py RESULTS.jsonl [--machine TEXT] [--vsftpd VERSION] [--ftpfork COMMIT] [--secs N]
Prints a Markdown table and appends one {"summary": ...} JSON line per row to RESULTS.jsonl.
"""
import argparse
import json
import statistics

p = argparse.ArgumentParser()
p.add_argument("results")
p.add_argument("--machine", default="?")
p.add_argument("--vsftpd", default="?")
p.add_argument("--ftpfork", default="?")
p.add_argument("--secs", default="?")
a = p.parse_args()
recs = [json.loads(line) for line in open(a.results) if line.strip() and '"summary"' not in line]
run = recs[0]["run"] if recs else "?"
notes = []


def pick(server, figure, login=None, clients=None, rnd=None):
    out = []
    for r in recs:
        if r.get("server") != server or r.get("figure") != figure:
            continue
        if login is not None and r.get("login") != login:
            continue
        if clients is not None and r.get("clients") != clients:
            continue
        if rnd is not None and r.get("round") != rnd:
            continue
        if "skipped" in r:
            notes.append(f"{server} {figure} {login or ''} {clients or ''}: skipped ({r['skipped']})".replace("  ", " "))
            continue
        out.append(r)
    return out


def note_errors(server, rs):
    for r in rs:
        if r.get("first_error"):
            what = " ".join(str(r[k]) for k in ("figure", "login", "clients") if k in r)
            notes.append(f"{server} {what} round {r.get('round')}: {r.get('errors', '?')} error(s), first: {r['first_error']}")


def median(values):
    vs = [v for v in values if v is not None]
    return statistics.median(vs) if vs else None


def sessions_value(rs, key):
    if key == "errors":
        return sum(r.get("errors", 0) for r in rs) if rs else None
    if key == "cpu_per_1000":
        return median(r["server_cpu_s"] / r["ok"] * 1000 if r.get("ok") and r.get("server_cpu_s") is not None else None for r in rs)
    if key == "other_cores":
        return median((r["machine_busy_s"] - r["server_cpu_s"] - r["loadgen_cpu_s"]) / r["window_s"]
                      if all(r.get(k) is not None for k in ("machine_busy_s", "server_cpu_s", "loadgen_cpu_s", "window_s")) else None
                      for r in rs)
    if key == "loadgen_pct":
        return median(100 * r["loadgen_cpu_share"] if r.get("loadgen_cpu_share") is not None else None for r in rs)
    if key in ("rate_per_s", "p50_ms", "p99_ms"):
        return median(r.get(key) if r.get("ok") else None for r in rs)
    return median(r.get(key) for r in rs)


def idle_value(rs, key):
    def one(r):
        hold = r.get("hold") or {}
        if key == "noop":
            return r.get("noop_ok", 0)
        if "pss_kb" not in hold or not r.get("opened"):
            return None
        if key == "total_mib":
            return hold["pss_kb"] / 1024
        base = r.get("pss_base_kb")
        return None if base is None else (hold["pss_kb"] - base) / r["opened"]
    if key == "noop":
        return min((one(r) for r in rs), default=None)
    return median(one(r) for r in rs)


rows = []  # (label, vsftpd, ftpfork, target_kind, threshold, fmt)


def add(label, figure, getter, target=None, fmt="{:.1f}", **sel):
    vals = {}
    for s in ("vsftpd", "ftpfork"):
        rs = pick(s, figure, **sel)
        note_errors(s, rs)
        vals[s] = getter(rs) if rs else None
    rows.append((label, vals["vsftpd"], vals["ftpfork"], target, fmt))


add("connect→220 p50 (ms)", "connect", lambda rs: median(r.get("p50_ms") for r in rs), ("le", 0.5), "{:.2f}")
add("connect→220 p99 (ms)", "connect", lambda rs: median(r.get("p99_ms") for r in rs), ("le", 1.0), "{:.2f}")
add("  connect→220 p50 (ms), NOOP before QUIT", "connect_noop", lambda rs: median(r.get("p50_ms") for r in rs), None, "{:.2f}")
add("  connect→220 p99 (ms), NOOP before QUIT", "connect_noop", lambda rs: median(r.get("p99_ms") for r in rs), None, "{:.2f}")
add("  connect→220 p50 (ms), 20 ms apart", "connect_paced", lambda rs: median(r.get("p50_ms") for r in rs), None, "{:.2f}")
add("  connect→220 p99 (ms), 20 ms apart", "connect_paced", lambda rs: median(r.get("p99_ms") for r in rs), None, "{:.2f}")
logins = []
for r in recs:
    if r.get("figure") == "sessions" and r["login"] not in logins:
        logins.append(r["login"])
clients = sorted({r["clients"] for r in recs if r.get("figure") == "sessions" and "clients" in r})
for lg in logins:
    for c in clients:
        k = dict(login=lg, clients=c)
        add(f"sessions/s, {c} clients, {lg}", "sessions", lambda rs: sessions_value(rs, "rate_per_s"), ("ge", 1.0), **k)
        add(f"  session p50 (ms), {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "p50_ms"), None, **k)
        add(f"  session p99 (ms), {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "p99_ms"), None, **k)
        add(f"  errors (all rounds), {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "errors"), ("zero",), "{:.0f}", **k)
        add(f"  server CPU s / 1000 sessions, {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "cpu_per_1000"), None, "{:.2f}", **k)
        add(f"  loadgen CPU (% of all cores), {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "loadgen_pct"), None, **k)
        add(f"  rest of machine busy (cores), {c}, {lg}", "sessions", lambda rs: sessions_value(rs, "other_cores"), None, "{:.2f}", **k)
for lg in logins:
    add(f"idle sessions: PSS total (MiB), {lg}", "idle", lambda rs: idle_value(rs, "total_mib"), None, login=lg)
    add(f"idle sessions: PSS per session (kB), {lg}", "idle", lambda rs: idle_value(rs, "per_kb"), ("abs_le", 3072), "{:.0f}", login=lg)
    add(f"idle sessions answering NOOP (min), {lg}", "idle", lambda rs: idle_value(rs, "noop"), ("all",), "{:.0f}", login=lg)
hold_n = next((r.get("wanted") for r in recs if r.get("figure") == "hold" and "wanted" in r), None)
if hold_n:
    add(f"{hold_n} sessions held: answering NOOP", "hold", lambda rs: idle_value(rs, "noop"), ("all",), "{:.0f}")
    add(f"{hold_n} sessions held: PSS per session (kB)", "hold", lambda rs: idle_value(rs, "per_kb"), ("abs_le", 3072), "{:.0f}")
mbps = lambda rs: median(r.get("mb_per_s") for r in rs)  # noqa: E731
add("RETR 1 GiB (MB/s)", "retr_1g", mbps, ("ge", 0.95), "{:.0f}")
add("RETR 256 MiB random (MB/s)", "retr_256m_random", mbps, ("ge", 0.95), "{:.0f}")
add("STOR 256 MiB (MB/s)", "stor_256m", mbps, ("ge", 0.9), "{:.0f}")


def target_text(t):
    if t is None:
        return ""
    return {"le": f"≤ {t[1]}×" if t[0] == "le" else "", "ge": f"≥ {t[1]}×" if t[0] == "ge" else "",
            "zero": "0 errors", "abs_le": f"FtpFork ≤ {t[1] if t[0] == 'abs_le' else 0} kB",
            "all": "all answer"}[t[0]]


def verdict(t, v, f, ratio, want=None):
    if t is None:
        return ""
    if f is None or (t[0] in ("le", "ge") and ratio is None):
        return "no data"
    ok = {"le": lambda: ratio <= t[1], "ge": lambda: ratio >= t[1], "zero": lambda: f == 0,
          "abs_le": lambda: f <= t[1], "all": lambda: want is not None and f >= want}[t[0]]()
    return "met" if ok else "NOT met"


print(f"\nFtpFork {a.ftpfork} vs vsftpd {a.vsftpd} — run {run}; {a.machine}")
calib = next((r for r in recs if r.get("figure") == "calibration"), None)
if calib:
    print(f"calibration (bench/calib.c, CPU time): fork+exit+wait {calib.get('fork_exit_wait_ms')} ms, "
          f"anonymous page fault {calib.get('page_fault_us')} µs, CPU loop {calib.get('cpu_loop_ms')} ms")
loads = [r["load1_before"] for r in recs if r.get("load1_before") is not None]
if loads:
    print(f"1-min load average before the session runs: min {min(loads):.1f}, max {max(loads):.1f} "
          "(above ~0.5, something else shares the 2 cores and the figures are noisy)")
print(f"medians over rounds (A=vsftpd, B=FtpFork alternating); session runs of {a.secs} s; MB = 10^6 bytes\n")
print("| figure | vsftpd | FtpFork | FtpFork/vsftpd | target | |")
print("|---|---:|---:|---:|---|---|")
with open(a.results, "a") as res:
    for label, v, f, t, fmt in rows:
        info = any(w in label for w in ("loadgen", "errors", "rest of machine"))
        ratio = f / v if (v and f is not None and not info) else None
        want = hold_n if label.startswith(str(hold_n)) else (next((r.get("wanted") for r in recs if r.get("figure") == "idle"), None))
        met = verdict(t, v, f, ratio, want)
        cell = lambda x: "n/a" if x is None else fmt.format(x)  # noqa: E731
        print(f"| {label} | {cell(v)} | {cell(f)} | {'' if ratio is None else f'{ratio:.2f}'} | {target_text(t)} | {met} |")
        res.write(json.dumps({"summary": True, "run": run, "figure": label.strip(), "vsftpd": v, "ftpfork": f,
                              "ratio": ratio, "target": target_text(t), "verdict": met}) + "\n")
if notes:
    print("\nnotes:")
    for n in dict.fromkeys(notes):
        print(f"- {n}")
