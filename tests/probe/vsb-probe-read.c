/* vsb-probe-read PATH... - catalogue A7/A8/A15: can the sandbox read it?
 * Reads up to 4 KiB of each path (non-blocking, so a FIFO or device does not
 * hang) and prints `PATH=<bytes read>` or `PATH=<errno>`; 0 means the file
 * is empty (a mask) or hidden behind an empty bind. */
#include "probe_common.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char buf[4096];
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) { printf("%s=%s\n", argv[i], probe_errname(errno)); continue; }
    ssize_t n = read(fd, buf, sizeof buf);
    int e = errno;
    close(fd);
    if (n < 0) { printf("%s=%s\n", argv[i], probe_errname(e)); continue; }
    printf("%s=%zd\n", argv[i], n);
  }
  return 0;
}
