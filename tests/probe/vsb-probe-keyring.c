/* vsb-probe-keyring - catalogue A12/P4: kernel keyring isolation.
 *   vsb-probe-keyring plant CMD...  (host side) joins a NEW anonymous session
 *       keyring (so the host's own keyrings are untouched), adds the user key
 *       "vsb-canary"="s3cret" to it, then execs CMD (the sandbox launcher).
 *   vsb-probe-keyring probe         (inside) searches @s, @u and @us for it.
 * Prints `@s=not-found:<errno>` or `@s=FOUND:<value>`, and `found=<count>`. */
#include "probe_common.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 2 && !strcmp(argv[1], "plant")) {
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0) { perror("join"); return 2; }
    if (syscall(SYS_add_key, "user", "vsb-canary", "s3cret", 6, KEY_SPEC_SESSION_KEYRING) < 0) {
      perror("add_key");
      return 2;
    }
    execv(argv[2], argv + 2);
    perror("execv");
    return 2;
  }
  static const int rings[] = {KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING,
                              KEY_SPEC_USER_SESSION_KEYRING};
  static const char *names[] = {"@s", "@u", "@us"};
  int found = 0;
  for (int i = 0; i < 3; i++) {
    long k = syscall(SYS_keyctl, KEYCTL_SEARCH, rings[i], "user", "vsb-canary", 0);
    if (k < 0) { printf("%s=not-found:%s\n", names[i], probe_errname(errno)); continue; }
    char buf[64] = {0};
    long n = syscall(SYS_keyctl, KEYCTL_READ, k, buf, sizeof buf - 1);
    printf("%s=FOUND:%s\n", names[i], n >= 0 ? buf : probe_errname(errno));
    found++;
  }
  printf("found=%d\n", found);
  return found ? 1 : 0;
}
