/* bench/calib.c - what kind of machine this is, in the three costs a process-per-client server
 * pays: fork+exit+wait of a small C process, one anonymous page fault, and a fixed CPU loop.
 * Prints one line (or JSON with -j). Each figure is the median of 5 tries, CPU time (getrusage,
 * children included) where the work is CPU, so a busy neighbour inflates it less than wall time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_ms(int who) {
  struct rusage r;
  getrusage(who, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}
static double both_ms(void) { return cpu_ms(RUSAGE_SELF) + cpu_ms(RUSAGE_CHILDREN); }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median5(double *v) { qsort(v, 5, sizeof *v, cmp); return v[2]; }

/* fork + _exit + waitpid, 2000 times; ms of CPU (parent and children) per round trip. */
static double fork_ms(void) {
  const int n = 2000;
  double t0 = both_ms();
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) _exit(0);
    if (p < 0) { perror("fork"); exit(1); }
    int st;
    waitpid(p, &st, 0);
  }
  return (both_ms() - t0) / n;
}

/* Touch every page of a fresh 64 MiB anonymous mapping once; µs of CPU per page fault. */
static double fault_us(void) {
  const size_t len = 64u << 20, page = (size_t)sysconf(_SC_PAGESIZE);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = cpu_ms(RUSAGE_SELF);
  volatile char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) { perror("mmap"); exit(1); }
  for (size_t o = 0; o < len; o += page) m[o] = 1;
  double t1 = cpu_ms(RUSAGE_SELF);
  getrusage(RUSAGE_SELF, &r1);
  munmap((void *)m, len);
  long faults = r1.ru_minflt - r0.ru_minflt;
  return faults > 0 ? (t1 - t0) * 1e3 / faults : 0;
}

/* A fixed integer loop (xorshift, 200 M steps); ms of CPU. */
static double loop_ms(void) {
  double t0 = cpu_ms(RUSAGE_SELF);
  volatile uint64_t x = 88172645463325252ull;
  uint64_t v = x;
  for (int i = 0; i < 200000000; i++) { v ^= v << 13; v ^= v >> 7; v ^= v << 17; }
  x = v;
  return cpu_ms(RUSAGE_SELF) - t0;
}

int main(int argc, char **argv) {
  int json = argc > 1 && strcmp(argv[1], "-j") == 0;
  double f[5], p[5], l[5];
  for (int i = 0; i < 5; i++) { f[i] = fork_ms(); p[i] = fault_us(); l[i] = loop_ms(); }
  double fm = median5(f), pm = median5(p), lm = median5(l);
  if (json)
    printf("{\"fork_exit_wait_ms\":%.3f,\"page_fault_us\":%.2f,\"cpu_loop_ms\":%.0f}\n", fm, pm, lm);
  else
    printf("calibration: fork+exit+wait %.3f ms, anonymous page fault %.2f us, CPU loop %.0f ms (CPU time, median of 5)\n", fm, pm, lm);
  return 0;
}
