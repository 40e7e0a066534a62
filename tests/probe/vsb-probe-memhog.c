/* vsb-probe-memhog MAX_MB - catalogue A17: allocates and touches memory in
 * 4 MiB steps up to MAX_MB (a safety cap). Under a memory limit below the
 * cap the kernel OOM-kills it (the run ends with 137); reaching the cap
 * prints `reached=MAX_MB` and exits 0, meaning no limit applied. */
#include "probe_common.h"

#include <stdlib.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long max = argc > 1 ? atol(argv[1]) : 512;
  for (long mb = 4; mb <= max; mb += 4) {
    char *p = malloc(4 << 20);
    if (!p) { printf("malloc_failed_at=%ld\n", mb); return 3; }
    memset(p, 0x5a, 4 << 20);
  }
  printf("reached=%ld\n", max);
  return 0;
}
