/* loadgen.c — FTP load generator for bench/run.sh (threads + blocking sockets, loopback only); prints one JSON line. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#define NSRC 8          /* control+data connections rotate over source addresses 127.0.0.1 .. 127.0.0.8 */
#define IO_TIMEOUT 10   /* seconds: every connect/recv/send is bounded by this */
#define MAX_SAMPLES 2000000

typedef struct { int fd; int len; char buf[8192]; char line[512]; } conn_t;

static const char *mode, *user = "anonymous", *pass = "bench@", *rfile = "1k.bin", *lfile = "", *hold_cmd = "", *first_cmd = "";
static int port = 2121, clients = 8, count = 500, settle = 2, gap_ms = 0;
static long long size = -1;
static double secs = 15;
static atomic_int stop_flag, src_rr;
static atomic_long n_ok, n_err;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char first_err[300];
static double *lat; static long n_lat;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu_self(void) {
  struct rusage r; getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static int fail(char *err, const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vsnprintf(err, 256, fmt, ap); va_end(ap);
  for (char *p = err; *p; p++) if (*p == '"' || *p == '\\' || (unsigned char)*p < 32) *p = ' ';
  return -1;
}
static void record_err(const char *err) {
  atomic_fetch_add(&n_err, 1);
  pthread_mutex_lock(&mu);
  if (!first_err[0]) snprintf(first_err, sizeof first_err, "%s", err);
  pthread_mutex_unlock(&mu);
}
static void record_lat(double v) {
  pthread_mutex_lock(&mu);
  if (n_lat < MAX_SAMPLES) lat[n_lat++] = v;
  pthread_mutex_unlock(&mu);
}

/* TCP connect from source 127.0.0.(1+src) to 127.0.0.1:p (or the given loopback address), bounded timeouts. */
static int tcp_connect(int src, uint32_t dst_host, int p, char *err) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  if (fd < 0) return fail(err, "socket: %s", strerror(errno));
  struct timeval tv = { IO_TIMEOUT, 0 };
  struct linger lg = { 1, 0 };  /* close() sends RST: no TIME_WAIT piles up on the client side */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001 + src) };
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); return fail(err, "bind: %s", strerror(errno)); }
  a.sin_addr.s_addr = htonl(dst_host); a.sin_port = htons(p);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); return fail(err, "connect %d: %s", p, strerror(errno)); }
  return fd;
}

/* One reply line into c->line; -1 on EOF/timeout. */
static int read_line(conn_t *c) {
  for (;;) {
    char *nl = memchr(c->buf, '\n', c->len);
    if (nl) {
      int n = nl - c->buf + 1, k = n < (int)sizeof c->line - 1 ? n : (int)sizeof c->line - 1;
      memcpy(c->line, c->buf, k); c->line[k] = 0;
      while (k > 0 && (c->line[k - 1] == '\n' || c->line[k - 1] == '\r')) c->line[--k] = 0;
      memmove(c->buf, c->buf + n, c->len - n); c->len -= n;
      return 0;
    }
    if (c->len == (int)sizeof c->buf) c->len = 0;  /* absurdly long line: drop it */
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (r <= 0) return -1;
    c->len += r;
  }
}
/* A complete (possibly multi-line "ddd-" ... "ddd ") reply; returns its code or -1. */
static int read_reply(conn_t *c) {
  if (read_line(c) < 0) return -1;
  if (strlen(c->line) < 3) return -1;
  int code = atoi(c->line);
  if (c->line[3] == '-') {
    char end[5]; memcpy(end, c->line, 3); end[3] = ' '; end[4] = 0;
    for (int i = 0; i < 10000; i++) {
      if (read_line(c) < 0) return -1;
      if (strncmp(c->line, end, 4) == 0) break;
    }
  }
  return code;
}
static int send_str(int fd, const char *s) { size_t n = strlen(s); return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1; }
/* Send "VERB arg\r\n" and require a reply code in [lo,hi]. */
static int cmd(conn_t *c, const char *verb, const char *arg, int lo, int hi, char *err) {
  char b[600]; snprintf(b, sizeof b, arg ? "%s %s\r\n" : "%s\r\n", verb, arg);
  if (send_str(c->fd, b) < 0) return fail(err, "%s: send: %s", verb, strerror(errno));
  int code = read_reply(c);
  if (code < lo || code > hi) return fail(err, "%s: %s", verb, code < 0 ? "no reply (closed/timeout)" : c->line);
  return code;
}

/* connect + 220 + USER/PASS; returns 0 and sets c->fd. */
static int login(conn_t *c, int src, char *err) {
  c->len = 0;
  if ((c->fd = tcp_connect(src, 0x7f000001, port, err)) < 0) return -1;
  int code = read_reply(c);
  if (code != 220) return fail(err, "greeting: %s", code < 0 ? "no 220" : c->line);
  if ((code = cmd(c, "USER", user, 230, 331, err)) < 0) return -1;
  if (code == 331 && cmd(c, "PASS", pass, 230, 230, err) < 0) return -1;
  return 0;
}
/* PASV: parse (h1,h2,h3,h4,p1,p2), insist on a loopback address, connect from the same source address. */
static int pasv_connect(conn_t *c, int src, char *err) {
  if (cmd(c, "PASV", NULL, 227, 227, err) < 0) return -1;
  unsigned h[6]; char *p = strchr(c->line, '(');
  if (!p || sscanf(p, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2], &h[3], &h[4], &h[5]) != 6)
    return fail(err, "PASV: cannot parse %s", c->line);
  if (h[0] != 127) return fail(err, "PASV: non-loopback address in %s", c->line);
  return tcp_connect(src, h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3], h[4] * 256 + h[5], err);
}
static void close_conn(conn_t *c) { if (c->fd >= 0) close(c->fd); c->fd = -1; }

/* RETR into the void (MSG_TRUNC: the kernel drops the bytes, no copy); returns bytes or -1. */
static long long retr(conn_t *c, int src, const char *path, char *err) {
  int d = pasv_connect(c, src, err);
  if (d < 0) return -1;
  if (cmd(c, "RETR", path, 125, 150, err) < 0) { close(d); return -1; }
  long long got = 0; static char sink[1 << 16];
  for (;;) {
    ssize_t r = recv(d, sink, 1 << 30, MSG_TRUNC);
    if (r == 0) break;
    if (r < 0) { close(d); return fail(err, "RETR data: %s", strerror(errno)); }
    got += r;
  }
  close(d);
  return got;
}
/* After RETR's data: the 226 (read separately so it is not a command). */
static int expect(conn_t *c, int lo, int hi, const char *what, char *err) {
  int code = read_reply(c);
  if (code < lo || code > hi) return fail(err, "%s: %s", what, code < 0 ? "no reply (closed/timeout)" : c->line);
  return 0;
}

static int one_session(conn_t *c, char *err) {
  int src = atomic_fetch_add(&src_rr, 1) % NSRC;
  c->fd = -1;
  int rc = -1;
  if (login(c, src, err) == 0 && cmd(c, "TYPE", "I", 200, 200, err) > 0) {
    long long got = retr(c, src, rfile, err);
    if (got >= 0 && expect(c, 226, 226, "RETR end", err) == 0) {
      if (size >= 0 && got != size) fail(err, "RETR: got %lld bytes, expected %lld", got, size);
      else if (cmd(c, "QUIT", NULL, 221, 221, err) > 0) rc = 0;
    }
  }
  close_conn(c);
  return rc;
}

static void *session_thread(void *arg) {
  double end = *(double *)arg; conn_t *c = malloc(sizeof *c); char err[300];
  for (long i = 0; i < MAX_SAMPLES && !atomic_load(&stop_flag) && now() < end; i++) {
    double t0 = now();
    if (one_session(c, err) == 0) { record_lat(now() - t0); atomic_fetch_add(&n_ok, 1); }
    else {
      record_err(err);
      if (atomic_load(&n_ok) == 0 && atomic_load(&n_err) >= 20) atomic_store(&stop_flag, 1);  /* unsupported: give up */
      usleep(20000);
    }
  }
  free(c);
  return NULL;
}

static int cmpd(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
static double pct(double q) { if (!n_lat) return NAN; long i = (long)ceil(q * n_lat) - 1; return lat[i < 0 ? 0 : i] * 1e3; }
static void jnum(const char *k, double v) { if (isnan(v)) printf(",\"%s\":null", k); else printf(",\"%s\":%.4f", k, v); }
static void finish(double wall, double cpu) {
  qsort(lat, n_lat, sizeof *lat, cmpd);
  long ok = atomic_load(&n_ok), er = atomic_load(&n_err);
  printf("{\"mode\":\"%s\",\"ok\":%ld,\"errors\":%ld", mode, ok, er);
  jnum("wall_s", wall); jnum("p50_ms", pct(.50)); jnum("p99_ms", pct(.99)); jnum("max_ms", pct(1));
  jnum("rate_per_s", ok / wall); jnum("loadgen_cpu_s", cpu);
  jnum("loadgen_cpu_share", cpu / wall / sysconf(_SC_NPROCESSORS_ONLN));
  printf(",\"first_error\":\"%s\"}\n", first_err);
}

static void run_connect(void) {
  char err[300]; conn_t *c = malloc(sizeof *c);
  for (int i = 0; i < count; i++) {
    c->len = 0;
    if (gap_ms > 0) usleep(gap_ms * 1000);  /* -g: pause between connections, not timed */
    double t0 = now();
    if ((c->fd = tcp_connect(i % NSRC, 0x7f000001, port, err)) < 0) { record_err(err); usleep(20000); continue; }
    int code = read_reply(c);
    double t1 = now();
    if (code != 220) { fail(err, "greeting: %s", code < 0 ? "no 220" : c->line); record_err(err); }
    else {
      record_lat(t1 - t0); atomic_fetch_add(&n_ok, 1);
      if (*first_cmd) cmd(c, first_cmd, NULL, 200, 299, err);  /* -C: a command before QUIT (not timed) */
      cmd(c, "QUIT", NULL, 221, 221, err);
    }
    close_conn(c);
  }
  free(c);
}

static void run_sessions(void) {
  pthread_t th[1024]; double end = now() + secs;
  if (clients > 1024) clients = 1024;
  for (int i = 0; i < clients; i++) pthread_create(&th[i], NULL, session_thread, &end);
  for (int i = 0; i < clients; i++) pthread_join(th[i], NULL);
}

/* One transfer (RETR of rfile, or STOR of lfile to rfile), MB/s = 1e6 bytes/s from the command to its 226. */
static void run_xfer(int store) {
  char err[300]; conn_t *c = malloc(sizeof *c); long long bytes = -1; double t = NAN;
  if (login(c, 0, err) == 0 && cmd(c, "TYPE", "I", 200, 200, err) > 0) {
    if (!store) {
      double t0 = now(); long long got = retr(c, 0, rfile, err);
      if (got >= 0 && expect(c, 226, 226, "RETR end", err) == 0) {
        t = now() - t0; bytes = got;
        if (size >= 0 && got != size) { bytes = -1; fail(err, "RETR: got %lld bytes, expected %lld", got, size); }
      }
    } else {
      int f = open(lfile, O_RDONLY | O_CLOEXEC), d = f < 0 ? fail(err, "open %s: %s", lfile, strerror(errno)) : pasv_connect(c, 0, err);
      double t0 = now();
      if (d >= 0 && cmd(c, "STOR", rfile, 125, 150, err) > 0) {
        off_t off = 0; long long want = size;
        while (off < want) { ssize_t r = sendfile(d, f, &off, want - off > (1 << 30) ? 1 << 30 : want - off); if (r <= 0) break; }
        shutdown(d, SHUT_WR);
        if (off != want) fail(err, "STOR data: sent %lld of %lld: %s", (long long)off, want, strerror(errno));
        else if (expect(c, 226, 226, "STOR end", err) == 0) { t = now() - t0; bytes = off; }
      }
      if (d >= 0) close(d);
      if (f >= 0) close(f);
    }
    if (bytes >= 0) cmd(c, "QUIT", NULL, 221, 221, err);
  }
  close_conn(c);
  if (bytes < 0) record_err(err); else { atomic_fetch_add(&n_ok, 1); record_lat(t); }
  printf("{\"mode\":\"%s\",\"ok\":%ld,\"errors\":%ld,\"bytes\":%lld", mode, (long)n_ok, (long)n_err, bytes);
  jnum("secs", t); jnum("mb_per_s", bytes >= 0 ? bytes / 1e6 / t : NAN); jnum("loadgen_cpu_s", cpu_self());
  printf(",\"first_error\":\"%s\"}\n", first_err);
  free(c);
}

/* count logged-in sessions held open (opened by 8 threads), then hold_cmd's output, then NOOP on each. */
static conn_t *idle_conns; static atomic_int idle_next;
static void *idle_thread(void *arg) {
  (void)arg; char err[300];
  for (int i; (i = atomic_fetch_add(&idle_next, 1)) < count;) {
    idle_conns[i].fd = -1;
    if (login(&idle_conns[i], i % NSRC, err) < 0) { close_conn(&idle_conns[i]); record_err(err); }
    else atomic_fetch_add(&n_ok, 1);
  }
  return NULL;
}
static void run_idle(void) {
  struct rlimit rl = { count + 64, count + 64 }; setrlimit(RLIMIT_NOFILE, &rl);
  idle_conns = calloc(count, sizeof *idle_conns);
  pthread_t th[8]; double t0 = now();
  for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, idle_thread, NULL);
  for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
  double open_s = now() - t0;
  sleep(settle);
  char out[4096] = "null";
  if (*hold_cmd) {
    FILE *p = popen(hold_cmd, "r"); size_t n = 0;
    if (p) { n = fread(out, 1, sizeof out - 1, p); pclose(p); }
    out[n] = 0; while (n && (out[n - 1] == '\n' || out[n - 1] == ' ')) out[--n] = 0;
    if (!n || out[0] != '{') strcpy(out, "null");
  }
  int noop_ok = 0; char err[300];
  for (int i = 0; i < count; i++)
    if (idle_conns[i].fd >= 0) { if (cmd(&idle_conns[i], "NOOP", NULL, 200, 200, err) > 0) noop_ok++; else record_err(err); }
  for (int i = 0; i < count; i++) if (idle_conns[i].fd >= 0) { send_str(idle_conns[i].fd, "QUIT\r\n"); close_conn(&idle_conns[i]); }
  printf("{\"mode\":\"idle\",\"wanted\":%d,\"opened\":%ld,\"noop_ok\":%d,\"errors\":%ld", count, (long)n_ok, noop_ok, (long)n_err);
  jnum("open_s", open_s);
  printf(",\"hold\":%s,\"first_error\":\"%s\"}\n", out, first_err);
}

/* reaper CMD...: run CMD as a child subreaper, so processes the server orphans are reaped here, not by init:
   their CPU lands in our cutime and stays countable. SIGTERM/SIGINT are passed to CMD; we exit when it does. */
static int run_reaper(char **argv) {
  sigset_t set; sigemptyset(&set);
  sigaddset(&set, SIGTERM); sigaddset(&set, SIGINT); sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) perror("loadgen reaper: prctl");
  pid_t child = fork();
  if (child < 0) { perror("loadgen reaper: fork"); return 1; }
  if (child == 0) { sigprocmask(SIG_UNBLOCK, &set, NULL); execvp(argv[0], argv); perror("loadgen reaper: exec"); _exit(127); }
  long orphans = 0;
  for (;;) {
    int sig = 0, st; pid_t p;
    sigwait(&set, &sig);
    if (sig == SIGTERM || sig == SIGINT) kill(child, SIGTERM);
    while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
      if (p != child) { orphans++; continue; }
      fprintf(stderr, "loadgen reaper: %s exited (status %d); %ld orphaned processes reaped here\n", argv[0], st, orphans);
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
  }
}

int main(int argc, char **argv) {
  if (argc > 2 && !strcmp(argv[1], "reaper")) return run_reaper(argv + 2);
  if (argc < 2) {
    fprintf(stderr, "usage: loadgen reaper CMD [ARGS...]\n"
                    "       loadgen connect|sessions|retr|stor|idle|probe [-p port] [-c clients] [-t secs] [-n count]\n"
                    "  [-u user] [-w pass] [-f remote-file] [-s local-file] [-z bytes] [-S settle-secs] [-x hold-cmd] [-g gap-ms]\n"
                    "  [-C command]  (connect: sent after the 220, before QUIT)\n");
    return 2;
  }
  mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "-p")) port = atoi(v); else if (!strcmp(k, "-c")) clients = atoi(v);
    else if (!strcmp(k, "-t")) secs = atof(v); else if (!strcmp(k, "-n")) count = atoi(v);
    else if (!strcmp(k, "-u")) user = v; else if (!strcmp(k, "-w")) pass = v;
    else if (!strcmp(k, "-f")) rfile = v; else if (!strcmp(k, "-s")) lfile = v;
    else if (!strcmp(k, "-z")) size = atoll(v); else if (!strcmp(k, "-S")) settle = atoi(v);
    else if (!strcmp(k, "-x")) hold_cmd = v; else if (!strcmp(k, "-g")) gap_ms = atoi(v);
    else if (!strcmp(k, "-C")) first_cmd = v;
    else { fprintf(stderr, "loadgen: unknown option %s\n", k); return 2; }
  }
  if (count < 1 || count > 100000 || secs <= 0 || secs > 600 || clients < 1 || gap_ms < 0 || gap_ms > 1000) { fprintf(stderr, "loadgen: bad limits\n"); return 2; }
  lat = malloc(sizeof *lat * MAX_SAMPLES);
  double t0 = now(), c0 = cpu_self();
  if (!strcmp(mode, "connect")) run_connect();
  else if (!strcmp(mode, "sessions")) run_sessions();
  else if (!strcmp(mode, "retr")) { run_xfer(0); return n_err ? 1 : 0; }
  else if (!strcmp(mode, "stor")) { run_xfer(1); return n_err ? 1 : 0; }
  else if (!strcmp(mode, "idle")) { run_idle(); return 0; }
  else if (!strcmp(mode, "probe")) {  /* can we log in? */
    char err[300]; conn_t *c = malloc(sizeof *c); int ok = login(c, 0, err) == 0;
    if (ok) cmd(c, "QUIT", NULL, 221, 221, err);
    close_conn(c);
    printf("{\"mode\":\"probe\",\"ok\":%d,\"first_error\":\"%s\"}\n", ok, ok ? "" : err);
    return ok ? 0 : 1;
  } else { fprintf(stderr, "loadgen: unknown mode %s\n", mode); return 2; }
  finish(now() - t0, cpu_self() - c0);
  return 0;
}
