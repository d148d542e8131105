#!/usr/bin/env python3
"""proctree.py — CPU seconds and PSS of a process and all its descendants, from /proc (prints one JSON object).

  proctree.py cpu PID   {"cpu_s": utime+stime+cutime+cstime summed over PID and its live descendants, "procs": n}
  proctree.py pss PID   {"pss_kb": Pss of /proc/P/smaps_rollup summed over the tree without PID itself, "procs": n}
                        (PID is the bench's reaper wrapper around the server: its own few hundred kB are not the server's)
  proctree.py pids PID  the PIDs of the tree, root first, one a line
  proctree.py machine   {"busy_s": all CPUs' non-idle time from /proc/stat, "steal_s": ..., "load1": 1-min load average}

cutime/cstime hold the CPU of children already reaped by the process (wait()), so the sum covers every
process the server ever started, provided each was reaped by a process of the tree. A zombie not yet reaped
is skipped (its figures move into its parent's cutime when it is reaped); callers let the tree settle first.
"""
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()  # fields from 3 (state) on; comm may hold spaces and ')'
    return rest


def tree(root):
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            ppid = int(stat_fields(d)[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo and len(out) < 100000:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu(root):
    total, n = 0, 0
    for p in tree(root):
        try:
            f = stat_fields(p)
        except OSError:
            continue
        if f[0] == "Z":
            continue
        total += sum(int(x) for x in f[11:15])  # utime stime cutime cstime (fields 14-17)
        n += 1
    return {"cpu_s": round(total / TICK, 3), "procs": n}


def pss(root):
    total, n = 0, 0
    for p in tree(root)[1:]:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        n += 1
                        break
        except OSError:
            continue
    return {"pss_kb": total, "procs": n}


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6]  # user nice system irq softirq (idle, iowait, steal excluded)
    with open("/proc/loadavg") as f:
        load1 = float(f.read().split()[0])
    return {"busy_s": round(busy / TICK, 3), "steal_s": round(v[7] / TICK, 3), "load1": load1}


if __name__ == "__main__":
    if sys.argv[1:] == ["machine"]:
        print(json.dumps(machine()))
        sys.exit(0)
    if len(sys.argv) != 3 or sys.argv[1] not in ("cpu", "pss", "pids") or not sys.argv[2].isdigit():
        sys.exit("usage: proctree.py cpu|pss|pids PID | proctree.py machine")
    pid = int(sys.argv[2])
    if not os.path.exists(f"/proc/{pid}"):
        sys.exit(f"proctree.py: no process {pid}")
    if sys.argv[1] == "pids":
        print("\n".join(str(p) for p in tree(pid)))
        sys.exit(0)
    print(json.dumps(cpu(pid) if sys.argv[1] == "cpu" else pss(pid)))
