/* vsb-probe-syscalls - catalogue A3 (after bubblewrap tests/try-syscall.c).
 * Tries each syscall on the deny list with arguments chosen so that an
 * UNFILTERED call fails with a tell-tale errno (EFAULT, EBADF, EINVAL) or
 * succeeds harmlessly, while a seccomp denial gives EPERM (or ENOSYS).
 * Prints `name=OK` or `name=<errno name>`, one per line. Side-effect free:
 * anything that succeeds is undone at once. */
#include "probe_common.h"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define BAD ((void *)1)
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* Reports r and closes it when it is a new fd. */
static void fd_report(const char *name, long r) {
  probe_report(name, r);
  if (r >= 0) close((int)r);
}

static void probe_namespaces(void) {
  /* In a child: a successful unshare would change our own state. */
  static const struct { int flag; const char *name; } ns[] = {
      {CLONE_NEWUSER, "unshare_NEWUSER"}, {CLONE_NEWNS, "unshare_NEWNS"},
      {CLONE_NEWNET, "unshare_NEWNET"},   {CLONE_NEWPID, "unshare_NEWPID"},
      {CLONE_NEWCGROUP, "unshare_NEWCGROUP"}, {CLONE_NEWIPC, "unshare_NEWIPC"},
      {CLONE_NEWUTS, "unshare_NEWUTS"}};
  for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
    pid_t p = fork();
    if (p == 0) _exit(unshare(ns[i].flag) < 0 ? errno : 0);
    int st = 0;
    waitpid(p, &st, 0);
    errno = WEXITSTATUS(st);
    probe_report(ns[i].name, errno ? -1 : 0);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  { /* Real arguments: the decisive mount test. */
    long r = mount("none", "/mnt", "tmpfs", 0, NULL);
    int e = errno;
    if (r == 0) umount2("/mnt", MNT_DETACH);
    errno = e;
    probe_report("mount_tmpfs", r); }
  probe_report("umount2", syscall(SYS_umount2, BAD, MNT_DETACH));
  probe_report("pivot_root", syscall(SYS_pivot_root, BAD, BAD));
  probe_report("chroot", syscall(SYS_chroot, BAD));
  fd_report("open_tree", syscall(SYS_open_tree, -1, BAD, 0));
  fd_report("fsopen", syscall(SYS_fsopen, BAD, 0));
  probe_report("move_mount", syscall(SYS_move_mount, -1, BAD, -1, BAD, 0));
  probe_report("mount_setattr", syscall(SYS_mount_setattr, -1, BAD, 0, BAD, 0));
  probe_report("setns", setns(-1, 0));
  probe_report("init_module", syscall(SYS_init_module, BAD, 0, BAD));
  probe_report("finit_module", syscall(SYS_finit_module, -1, BAD, 0));
  probe_report("delete_module", syscall(SYS_delete_module, BAD, 0));
  probe_report("kexec_load", syscall(SYS_kexec_load, 0, 0, BAD, 0));
  probe_report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0, BAD, 0));
  probe_report("reboot", syscall(SYS_reboot, 0, 0, 0, BAD)); /* bad magic: EINVAL if unfiltered */
  probe_report("swapon", syscall(SYS_swapon, BAD, 0));
  probe_report("swapoff", syscall(SYS_swapoff, BAD));
  probe_report("bpf", syscall(SYS_bpf, 0, BAD, 0));
  fd_report("perf_event_open", syscall(SYS_perf_event_open, BAD, 0, -1, -1, 0));
  fd_report("userfaultfd", syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */));
  fd_report("io_uring_setup", syscall(SYS_io_uring_setup, 1, BAD));
  probe_report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
  probe_report("add_key", syscall(SYS_add_key, BAD, BAD, BAD, 0, 0));
  probe_report("request_key", syscall(SYS_request_key, BAD, BAD, BAD, 0));
  fd_report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, BAD, 0));
  probe_report("name_to_handle_at", syscall(SYS_name_to_handle_at, -1, BAD, BAD, BAD, 0));
  { long r = syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, getppid(), 0, 0);
    int e = errno;
    if (r == 0) syscall(SYS_ptrace, 17 /* PTRACE_DETACH */, getppid(), 0, 0);
    errno = e;
    probe_report("ptrace_seize_parent", r); }
  probe_report("process_vm_readv", syscall(SYS_process_vm_readv, 1, BAD, 1, BAD, 1, 0));
  fd_report("pidfd_getfd", syscall(SYS_pidfd_getfd, -1, 0, 0));
  probe_report("iopl", syscall(SYS_iopl, 3));
  probe_report("ioperm", syscall(SYS_ioperm, 0, 1, 1));
  probe_report("acct", syscall(SYS_acct, BAD));
  probe_report("clock_settime", syscall(SYS_clock_settime, 0, BAD));
  probe_report("settimeofday", syscall(SYS_settimeofday, BAD, BAD));
  probe_report("syslog", syscall(SYS_syslog, 3 /* READ_ALL */, BAD, 16));
  probe_report("quotactl", syscall(SYS_quotactl, 0, BAD, 0, BAD));
  { long prev = syscall(SYS_personality, 0xffffffffUL); /* query only */
    long r = syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */);
    int e = errno;
    if (r >= 0) syscall(SYS_personality, prev);
    errno = e;
    probe_report("personality_read_implies_exec", r); }
  fd_report("socket_vsock", socket(AF_VSOCK, SOCK_STREAM, 0));
  fd_report("socket_packet", socket(17 /* AF_PACKET */, SOCK_RAW, 0));
  fd_report("socket_inet_raw", socket(AF_INET, SOCK_RAW, 1));
  fd_report("socket_netlink_audit", socket(AF_NETLINK, SOCK_RAW, 9));
  fd_report("socket_unix", socket(AF_UNIX, SOCK_STREAM, 0)); /* control: must work */
  probe_report("ioctl_tiocsti", ioctl(-1, TIOCSTI, BAD));
  /* CVE-2019-10063: the kernel truncates cmd to 32 bits; a filter must too. */
  probe_report("ioctl_tiocsti_high", syscall(SYS_ioctl, -1, (0x123UL << 32) | TIOCSTI, BAD));
  probe_report("ioctl_tioclinux", ioctl(-1, TIOCLINUX, BAD));
  probe_report("ioctl_tioclinux_high", syscall(SYS_ioctl, -1, (0x1UL << 32) | TIOCLINUX, BAD));
  probe_report("ioctl_fionread", ioctl(-1, FIONREAD, BAD)); /* control: EBADF */
  probe_namespaces();
  return 0;
}
