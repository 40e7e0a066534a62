/* vsb-probe-fdleak - catalogue A5 (CVE-2024-21626 "Leaky Vessels"): lists
 * every open fd beyond 0-2 and, for directory fds, tries to climb out of the
 * sandbox root through them (fchdir + ../..). Also checks that the working
 * directory is inside the sandbox: getcwd() must succeed and must not say
 * "(unreachable)". Prints `leak=<fd> <target>` per fd, `escape=<fd> <entry>`
 * when a dir fd reaches outside, `cwd=`, `cwd_status=ok|outside|<errno>`,
 * and `leaks=<count>`. */
#include "probe_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char cwd[4096];
  const char *cwd_status = "ok";
  if (!getcwd(cwd, sizeof cwd)) {
    snprintf(cwd, sizeof cwd, "?");
    cwd_status = probe_errname(errno);
  } else if (cwd[0] != '/') {
    cwd_status = "outside"; /* glibc returns "(unreachable)..." as ENOENT, old kernels as text */
  }
  char link[4096] = {0};
  if (readlink("/proc/self/cwd", link, sizeof link - 1) > 0 && strstr(link, "unreachable"))
    cwd_status = "outside";
  printf("cwd=%s\ncwd_status=%s\n", cwd, cwd_status);

  int leaks = 0;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  struct stat root;
  stat("/", &root);
  while (d && (e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d)) continue;
    char p[64], t[512] = {0};
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    if (readlink(p, t, sizeof t - 1) < 0) snprintf(t, sizeof t, "?");
    printf("leak=%d %s\n", fd, t);
    leaks++;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      int up = openat(fd, "../../../../../../..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      struct stat ust;
      if (up >= 0 && fstat(up, &ust) == 0 && (ust.st_dev != root.st_dev || ust.st_ino != root.st_ino))
        printf("escape=%d reaches a root that is not the sandbox's /\n", fd);
      if (up >= 0) close(up);
    }
  }
  if (d) closedir(d);
  printf("leaks=%d\n", leaks);
  return leaks ? 1 : 0;
}
