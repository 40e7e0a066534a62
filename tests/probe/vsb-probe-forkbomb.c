/* vsb-probe-forkbomb MAX - catalogue A17: a bounded fork bomb. Forks
 * children that just wait, until fork() fails or MAX children exist (a
 * safety cap, so a sandbox without a pids limit does not take the host
 * down), then SIGKILLs and reaps them all. Prints `forked=N` and
 * `fork_error=<errno>|none`. */
#include "probe_common.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long max = argc > 1 ? atol(argv[1]) : 1000;
  if (max < 1) max = 1;
  pid_t *kids = calloc((size_t)max, sizeof *kids);
  if (!kids) return 2;
  int forked = 0;
  const char *err = "none";
  for (; forked < max; forked++) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    if (p < 0) { err = probe_errname(errno); break; }
    kids[forked] = p;
  }
  printf("forked=%d\nfork_error=%s\n", forked, err);
  for (int i = 0; i < forked; i++) kill(kids[i], SIGKILL);
  while (wait(NULL) > 0 || errno == EINTR) {}
  return 0;
}
