/* vsb-probe-write PATH... - catalogue A6/A8/A9/A11: can the sandbox write
 * there? For a directory, creates and removes a fresh file in it; for an
 * existing file, opens it for writing (O_WRONLY|O_APPEND, nothing is
 * written, so release_agent or core_pattern are never changed); for a
 * missing path, creates and removes it. Prints `PATH=OK` or `PATH=<errno>`. */
#include "probe_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 1; i < argc; i++) {
    const char *p = argv[i];
    struct stat st;
    int r;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      char f[4096];
      snprintf(f, sizeof f, "%s/.vsb-probe-write-%d", p, getpid());
      r = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (r >= 0) unlink(f);
    } else if (lstat(p, &st) == 0) {
      r = open(p, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    } else {
      r = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (r >= 0) unlink(p);
    }
    int e = errno;
    if (r >= 0) close(r);
    errno = e;
    printf("%s=%s\n", p, r >= 0 ? "OK" : probe_errname(errno));
  }
  return 0;
}
