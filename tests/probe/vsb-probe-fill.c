/* vsb-probe-fill FILE MAX_MB - catalogue A17: fills a scratch file system
 * (the sandbox's tmpfs) in 1 MiB writes until write() fails or MAX_MB (a
 * safety cap) is reached, then removes the file. Prints `written_mb=N` and
 * `fill_error=<errno>|none` (none: the cap was reached, no bound applied). */
#include "probe_common.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) return 2;
  long max = argc > 2 ? atol(argv[2]) : 1024;
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) { printf("open=%s\n", probe_errname(errno)); return 2; }
  static char buf[1 << 20];
  memset(buf, 'x', sizeof buf);
  long mb = 0;
  const char *err = "none";
  while (mb < max) {
    ssize_t w = write(fd, buf, sizeof buf);
    if (w < 0) { err = probe_errname(errno); break; }
    if (w < (ssize_t)sizeof buf) { /* short write: the next one reports why */
      w = write(fd, buf, sizeof buf);
      err = w < 0 ? probe_errname(errno) : "short";
      break;
    }
    mb++;
  }
  close(fd);
  unlink(argv[1]);
  printf("written_mb=%ld\nfill_error=%s\n", mb, err);
  return 0;
}
