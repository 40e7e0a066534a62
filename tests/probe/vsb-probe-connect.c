/* vsb-probe-connect SPEC... - catalogue A13/A14: can the sandbox reach an
 * endpoint outside it? Nothing is sent. SPEC is one of
 *   unix:/path      a pathname unix socket (stream)
 *   abstract:name   an abstract unix socket (scoped by network namespace)
 *   tcp:ADDR:PORT   TCP over IPv4 (e.g. tcp:127.0.0.1:4711)
 *   vsock:CID:PORT  AF_VSOCK (not isolated by network namespaces)
 * Prints `SPEC=CONNECTED` or `SPEC=<errno of socket() or connect()>`. */
#include "probe_common.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
struct vsock_addr { /* struct sockaddr_vm, without pulling linux/vm_sockets.h */
  unsigned short family, reserved1;
  unsigned int port, cid;
  unsigned char zero[4];
};

static int try_connect(int family, const void *addr, socklen_t len) {
  int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  int r = connect(s, (const struct sockaddr *)addr, len);
  int e = errno;
  close(s);
  errno = e;
  return r;
}

static int probe(const char *spec) {
  if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "abstract:", 9)) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int abstract = spec[0] == 'a';
    const char *name = strchr(spec, ':') + 1;
    size_t n = strlen(name);
    if (n + 1 >= sizeof a.sun_path) { errno = ENAMETOOLONG; return -1; }
    memcpy(a.sun_path + abstract, name, n);
    return try_connect(AF_UNIX, &a, offsetof(struct sockaddr_un, sun_path) + abstract + n);
  }
  if (!strncmp(spec, "tcp:", 4)) {
    char host[64];
    int port;
    if (sscanf(spec + 4, "%63[^:]:%d", host, &port) != 2) { errno = EINVAL; return -1; }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { errno = EINVAL; return -1; }
    return try_connect(AF_INET, &a, sizeof a);
  }
  if (!strncmp(spec, "vsock:", 6)) {
    struct vsock_addr a = {.family = AF_VSOCK};
    if (sscanf(spec + 6, "%u:%u", &a.cid, &a.port) != 2) { errno = EINVAL; return -1; }
    return try_connect(AF_VSOCK, &a, sizeof a);
  }
  errno = EINVAL;
  return -1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int connected = 0;
  for (int i = 1; i < argc; i++) {
    int r = probe(argv[i]);
    printf("%s=%s\n", argv[i], r == 0 ? "CONNECTED" : probe_errname(errno));
    connected += r == 0;
  }
  return connected ? 1 : 0;
}
