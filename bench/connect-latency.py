#!/usr/bin/env python3
# Measures a running FtpFork (or any FTP server) on loopback: connect-to-220 latency and one idle worker's memory.
"""usage: bench/connect-latency.py PORT [--count N] [--gap MS]

Connects N times (default 200, at most 10000) in sequence to 127.0.0.1:PORT and reports the time
from connect() to the end of the 220 line (median, p90, min, max). Then logs in anonymously, finds
the process holding that session's socket (via /proc/net/tcp and /proc/PID/fd) and reports its
title, RSS (/proc/PID/status) and PSS (/proc/PID/smaps_rollup). --gap waits MS milliseconds
(at most 1000) between connections, so a worker pool has time to refill. Loopback only."""
import os, socket, statistics, sys, time

def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1024)
        if not chunk:
            raise EOFError("connection closed: %r" % buf)
        buf += chunk
    return buf.decode("utf-8", "replace").rstrip("\r\n")

def command(s, line):
    s.sendall(line.encode() + b"\r\n")
    return read_line(s)

def latency(port, count, gap_ms):
    times = []
    for _ in range(count):
        if gap_ms:
            time.sleep(gap_ms / 1000.0)
        t0 = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        line = read_line(s)
        times.append((time.perf_counter() - t0) * 1000)
        if not line.startswith("220"):
            sys.exit("unexpected greeting: " + line)
        s.sendall(b"QUIT\r\n")
        s.close()
    times.sort()
    return times

def socket_owner(local_port, server_port):
    """The pid whose fd table holds the server side of our connection."""
    want = "0100007F:%04X" % server_port, "0100007F:%04X" % local_port
    inode = None
    with open("/proc/net/tcp") as f:
        for row in list(f)[1:]:
            col = row.split()
            if (col[1], col[2]) == want:
                inode = col[9]
    if inode is None:
        return None
    target = "socket:[%s]" % inode
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir("/proc/%s/fd" % pid):
                if os.readlink("/proc/%s/fd/%s" % (pid, fd)) == target:
                    return int(pid)
        except OSError:
            continue
    return None

def kib(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1

def idle_worker(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    read_line(s)
    r = command(s, "USER anonymous")
    if r.startswith("331"):
        r = command(s, "PASS bench@")
    if not r.startswith("230"):
        sys.exit("login failed: " + r)
    command(s, "NOOP")
    pid = socket_owner(s.getsockname()[1], port)
    if pid is None:
        return s, None
    title = open("/proc/%d/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode().strip()
    rss = kib("/proc/%d/status" % pid, "VmRSS")
    pss = kib("/proc/%d/smaps_rollup" % pid, "Pss")
    return s, (pid, title, rss, pss)

def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        sys.exit(__doc__)
    port = int(args[0])
    count = int(args[args.index("--count") + 1]) if "--count" in args else 200
    count = max(1, min(count, 10000))
    gap = int(args[args.index("--gap") + 1]) if "--gap" in args else 0
    gap = max(0, min(gap, 1000))
    t = latency(port, count, gap)
    print("connect->220 over %d connections (gap %d ms): median %.2f ms, p90 %.2f ms, min %.2f ms, max %.2f ms"
          % (count, gap, statistics.median(t), t[int(len(t) * 0.9) - 1 if len(t) >= 10 else -1], t[0], t[-1]))
    s, w = idle_worker(port)
    if w is None:
        print("idle worker: not found (not ours to read, or not on this host)")
    else:
        print("idle logged-in worker %d '%s': RSS %d KiB, PSS %d KiB" % w)
    s.close()

if __name__ == "__main__":
    main()
