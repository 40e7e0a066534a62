/* vsb-probe-dev - catalogue A10: the device inventory and mknod. Lists every
 * device node under /dev with stat() (not d_type: bind-mounted nodes keep
 * the placeholder's type) as `dev=/dev/null c 1:3`, then tries
 * `mknod_block=` (sda, 8:0) and `mknod_char_mem=` (1:1) in the directory
 * given as argv[1] (default /tmp), removing anything it made. */
#include "probe_common.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void walk(const char *dir, int depth) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) != 0) continue;
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
      printf("dev=%s %c %u:%u\n", p, S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev), minor(st.st_rdev));
    else if (S_ISDIR(st.st_mode) && depth < 3)
      walk(p, depth + 1);
  }
  if (d) closedir(d);
}

static void try_mknod(const char *name, const char *dir, mode_t type, unsigned ma, unsigned mi) {
  char p[1024];
  snprintf(p, sizeof p, "%s/.vsb-probe-%s-%d", dir, name, getpid());
  int r = mknod(p, type | 0600, makedev(ma, mi));
  int e = errno;
  if (r == 0) unlink(p);
  errno = e;
  char key[64];
  snprintf(key, sizeof key, "mknod_%s", name);
  probe_report(key, r);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  walk("/dev", 0);
  const char *dir = argc > 1 ? argv[1] : "/tmp";
  try_mknod("block", dir, S_IFBLK, 8, 0);
  try_mknod("char_mem", dir, S_IFCHR, 1, 1);
  return 0;
}
