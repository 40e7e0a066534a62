/* vsb-probe-tty-inject - catalogue A4: CVE-2017-5226 (TIOCSTI into the
 * caller's terminal), CVE-2019-10063 (a filter comparing all 64 bits of the
 * ioctl cmd misses TIOCSTI|1<<32) and CVE-2023-1523 (TIOCLINUX paste).
 * Pushes one space into the input queue of every terminal it can reach:
 * fds 0-2 and /dev/tty. Run it only in a throwaway pty.
 * Prints e.g. `fd0_tiocsti=EPERM`; `INJECTED`/`PASTED` are findings. */
#include "probe_common.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

static int findings;

static void line(const char *what, const char *call, long r, const char *success) {
  printf("%s_%s=%s\n", what, call, r == 0 ? success : probe_errname(errno));
  if (r == 0) findings++;
}

static void try_fd(const char *what, int fd) {
  char c = ' ';
  line(what, "tiocsti", ioctl(fd, TIOCSTI, &c), "INJECTED");
  line(what, "tiocsti_high", syscall(SYS_ioctl, fd, (0x1UL << 32) | TIOCSTI, &c), "INJECTED");
  char sub = 3; /* TIOCL_PASTESEL: paste the VT selection into the input queue */
  line(what, "tioclinux", ioctl(fd, TIOCLINUX, &sub), "PASTED");
  sub = 3;
  line(what, "tioclinux_high", syscall(SYS_ioctl, fd, (0x1UL << 32) | TIOCLINUX, &sub), "PASTED");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("sid=%d\npgrp=%d\npid=%d\n", getsid(0), getpgrp(), getpid());
  for (int fd = 0; fd < 3; fd++) {
    printf("fd%d_isatty=%d\n", fd, isatty(fd));
    char name[8];
    snprintf(name, sizeof name, "fd%d", fd);
    try_fd(name, fd);
  }
  int t = open("/dev/tty", O_RDWR | O_NOCTTY);
  printf("devtty_open=%s\n", t < 0 ? probe_errname(errno) : "OK");
  if (t >= 0) try_fd("devtty", t);
  printf("findings=%d\n", findings);
  return findings ? 1 : 0;
}
