/* vsb-probe-euid - catalogue A2/P5. Installed setuid-root (or with file
 * capabilities) by the host-side test; inside the sandbox it must NOT run
 * with a raised euid or any effective capability (no-new-privs, nosuid).
 * Prints `ruid= euid= CapEff= gained=0|1`. */
#include "probe_common.h"

#include <unistd.h>

int main(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char l[256];
  unsigned long long eff = 0;
  while (f && fgets(l, sizeof l, f))
    if (!strncmp(l, "CapEff:", 7)) sscanf(l + 7, "%llx", &eff);
  int gained = (geteuid() != getuid()) || eff != 0;
  printf("ruid=%d\neuid=%d\nCapEff=%llx\ngained=%d\n", getuid(), geteuid(), eff, gained);
  return gained;
}
