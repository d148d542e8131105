/* bench/startcost.c - what one worker start costs: spawns out/ftpfork-worker N times as the master
 * starts a pool worker (its socketpair end on fd 3, PRELOGIN then CONFIG), waits for its READY,
 * then closes the channel so the worker leaves as an unused pool worker does, and waits for it;
 * ALRM, TERM and INT blocked in the child, as the master spawns it. Run by bench/startcost.sh.
 * As root the worker drops to nobody in /usr/share/empty, as a real pool worker does.
 * With a third argument (a file holding a whole TLSCERT message, made by startcost.sh from
 * STARTCOST_CERT/STARTCOST_KEY) the worker starts as with ssl_enable=YES: CONFIG says so and the
 * TLSCERT message follows, so the start includes loading libssl and the certificate. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
extern char **environ;

int main(int argc, char **argv) {
  if ((argc != 3 && argc != 4) || atoi(argv[2]) < 1) { fprintf(stderr, "usage: startcost WORKER-BINARY COUNT [TLSCERT-MESSAGE-FILE]\n"); return 2; }
  static char tls[65536];
  size_t tlslen = 0;
  if (argc == 4) {
    FILE *f = fopen(argv[3], "r");
    if (!f || (tlslen = fread(tls, 1, sizeof tls, f)) == 0) { perror(argv[3]); return 2; }
    fclose(f);
  }
  int n = atoi(argv[2]), failed = 0;
  const char *pre = geteuid() == 0 ? "PRELOGIN\ndrop=1\nuid=65534\ngid=65534\nroot=/usr/share/empty\nanon=0"
                                   : "PRELOGIN\ndrop=0\nuid=0\ngid=0\nroot=\nanon=0";
  /* every key at its default, as the master sends only changed ones */
  const char *conf = tlslen ? "CONFIG\nssl_enable=YES\n" : "CONFIG\n";
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) { perror("socketpair"); return 1; }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
    posix_spawnattr_t at;
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGALRM); sigaddset(&mask, SIGTERM); sigaddset(&mask, SIGINT);
    posix_spawnattr_init(&at);
    posix_spawnattr_setsigmask(&at, &mask);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    char *av[] = {"ftpfork: worker", NULL};
    pid_t pid;
    if (posix_spawn(&pid, argv[1], &fa, &at, av, environ)) { perror("posix_spawn"); return 1; }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(sv[1]);
    send(sv[0], pre, strlen(pre), 0);
    send(sv[0], conf, strlen(conf), 0);
    if (tlslen) send(sv[0], tls, tlslen, 0);
    char ready[64];
    if (recv(sv[0], ready, sizeof ready, 0) <= 0) failed++; /* READY: the start is over */
    close(sv[0]);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st)) failed++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%d starts, %.3f ms wall each, %d failed\n", n,
         ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / n, failed);
  return failed ? 1 : 0;
}
