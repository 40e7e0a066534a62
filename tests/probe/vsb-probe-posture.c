/* vsb-probe-posture - catalogue A1/A5/A6/A8/A11/A14 and gVisor's
 * sandboxposture: what the command runs as and what it can see. Prints
 *   uid= gid= euid= egid= groups=  Cap{Inh,Prm,Eff,Bnd,Amb}= NoNewPrivs=
 *   Seccomp= Seccomp_filters=  pid= ppid= sid= pgid= tty_nr=  devtty=
 *   fds=3,4 (beyond 0-2)  fd<N>=<target>  cwd= hostname=  ifaces=lo,...
 *   procs=<user-space processes visible in /proc>  uid_map=<line>  gid_map=<line>
 *   ns_user= ns_pid= ns_net= ... (the /proc/self/ns links, to compare with
 *   the host's: a user namespace may carry the same identity map)
 *   mount=<mount point> <per-mount options> <fstype>   (one per mount) */
#include "probe_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

static void status_fields(void) {
  static const char *keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
                               "NoNewPrivs", "Seccomp", "Seccomp_filters"};
  FILE *f = fopen("/proc/self/status", "r");
  char l[512];
  while (f && fgets(l, sizeof l, f))
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
      size_t n = strlen(keys[i]);
      if (!strncmp(l, keys[i], n) && l[n] == ':') {
        char *v = l + n + 1;
        while (*v == ' ' || *v == '\t') v++;
        printf("%s=%s", keys[i], v);
      }
    }
  if (f) fclose(f);
}

static void ids(void) {
  printf("uid=%d\ngid=%d\neuid=%d\negid=%d\n", getuid(), getgid(), geteuid(), getegid());
  gid_t g[256];
  int n = getgroups(256, g);
  printf("groups=");
  for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", g[i]);
  printf("\n");
  static const char *maps[] = {"uid_map", "gid_map"};
  for (int m = 0; m < 2; m++) {
    char p[64], l[256];
    snprintf(p, sizeof p, "/proc/self/%s", maps[m]);
    FILE *f = fopen(p, "r");
    while (f && fgets(l, sizeof l, f)) printf("%s=%s", maps[m], l);
    if (f) fclose(f);
  }
}

static void namespaces(void) {
  static const char *ns[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup"};
  for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
    char p[64], t[128] = {0};
    snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i]);
    if (readlink(p, t, sizeof t - 1) < 0) snprintf(t, sizeof t, "%s", probe_errname(errno));
    printf("ns_%s=%s\n", ns[i], t);
  }
}

static void session(void) {
  printf("pid=%d\nppid=%d\nsid=%d\npgid=%d\n", getpid(), getppid(), getsid(0), getpgrp());
  char buf[1024] = {0};
  FILE *f = fopen("/proc/self/stat", "r");
  if (f && fgets(buf, sizeof buf, f)) {
    char *p = strrchr(buf, ')'); /* comm may hold spaces */
    int ppid, pgrp, sid, tty;
    char state;
    if (p && sscanf(p + 2, "%c %d %d %d %d", &state, &ppid, &pgrp, &sid, &tty) == 5)
      printf("tty_nr=%d\n", tty);
  }
  if (f) fclose(f);
  int t = open("/dev/tty", O_RDWR | O_NOCTTY);
  printf("devtty=%s\n", t < 0 ? probe_errname(errno) : "OK");
  if (t >= 0) close(t);
}

static void fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) { printf("fds=%s\n", probe_errname(errno)); return; }
  char list[4096] = "", targets[8192] = "";
  struct dirent *e;
  while ((e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d)) continue;
    char p[64], t[512] = {0};
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    if (readlink(p, t, sizeof t - 1) < 0) snprintf(t, sizeof t, "?");
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", list[0] ? "," : "", fd);
    snprintf(targets + strlen(targets), sizeof targets - strlen(targets), "fd%d=%s\n", fd, t);
  }
  closedir(d);
  printf("fds=%s\n%s", list, targets);
}

static void places(void) {
  char cwd[4096];
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : probe_errname(errno));
  struct utsname u;
  if (uname(&u) == 0) printf("hostname=%s\n", u.nodename);
  char ifs[1024] = "";
  DIR *d = opendir("/sys/class/net");
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.')
      snprintf(ifs + strlen(ifs), sizeof ifs - strlen(ifs), "%s%s", ifs[0] ? "," : "", e->d_name);
  if (d) closedir(d);
  printf("ifaces=%s\n", ifs);
  /* User-space processes only (a non-empty cmdline): a VM guest's /proc also
     lists its own kernel's threads, which are not host processes. */
  int procs = 0;
  d = opendir("/proc");
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char path[300], c;
    snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read(fd, &c, 1) == 1) ++procs;
    if (fd >= 0) close(fd);
  }
  if (d) closedir(d);
  printf("procs=%d\n", procs);
}

static void mounts(void) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  char l[4096];
  while (f && fgets(l, sizeof l, f)) {
    char point[2048], opts[512], fstype[128] = "?";
    if (sscanf(l, "%*s %*s %*s %*s %2047s %511s", point, opts) != 2) continue;
    char *sep = strstr(l, " - ");
    if (sep) sscanf(sep + 3, "%127s", fstype);
    printf("mount=%s %s %s\n", point, opts, fstype);
  }
  if (f) fclose(f);
}

int main(void) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  ids();
  status_fields();
  namespaces();
  session();
  fds();
  places();
  mounts();
  return 0;
}
