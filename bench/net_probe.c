/* net_probe: TCP throughput and connect latency, for bench/network.sh.
 *
 *   net_probe serve IP PORT           accept forever; per connection: send 1
 *                                     byte, count bytes until EOF, reply with
 *                                     the count (8 bytes), close
 *   net_probe send IP PORT MIB RUNS   MiB/s of MIB MiB per run, median of RUNS
 *   net_probe connect IP PORT N       median microseconds of N (connect +
 *                                     first byte from the server + close)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr(const char* ip, const char* port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)atoi(port));
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", ip);
    exit(2);
  }
  return a;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double median(double* v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int dial(struct sockaddr_in* a) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr*)a, sizeof *a) < 0) {
    perror("connect");
    exit(1);
  }
  char b;
  if (read(fd, &b, 1) != 1) {
    fprintf(stderr, "no greeting\n");
    exit(1);
  }
  return fd;
}

static void serve(struct sockaddr_in* a) {
  signal(SIGCHLD, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr*)a, sizeof *a) < 0 || listen(fd, 128) < 0) {
    perror("bind/listen");
    exit(1);
  }
  static char buf[1 << 17];
  for (;;) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) continue;
    if (write(c, "!", 1) != 1) {  /* before fork: latency excludes it */
      close(c);
      continue;
    }
    if (fork() == 0) {
      uint64_t total = 0;
      ssize_t n;
      while ((n = read(c, buf, sizeof buf)) > 0) total += (uint64_t)n;
      if (write(c, &total, sizeof total) < 0) _exit(1);
      _exit(0);
    }
    close(c);
  }
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: see the header of net_probe.c\n");
    return 2;
  }
  struct sockaddr_in a = addr(argv[2], argv[3]);
  if (!strcmp(argv[1], "serve")) serve(&a);
  if (!strcmp(argv[1], "send") && argc == 6) {
    long mib = atol(argv[4]);
    int runs = atoi(argv[5]);
    double rates[64];
    static char buf[1 << 17];
    memset(buf, 'x', sizeof buf);
    for (int r = 0; r < runs && r < 64; ++r) {
      int fd = dial(&a);
      double t0 = now();
      uint64_t want = (uint64_t)mib << 20, sent = 0;
      while (sent < want) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n <= 0) {
          perror("write");
          return 1;
        }
        sent += (uint64_t)n;
      }
      shutdown(fd, SHUT_WR);
      uint64_t got = 0;
      if (read(fd, &got, sizeof got) != sizeof got || got != sent) {
        fprintf(stderr, "server counted %llu of %llu bytes\n", (unsigned long long)got, (unsigned long long)sent);
        return 1;
      }
      rates[r] = sent / 1048576.0 / (now() - t0);
      close(fd);
    }
    printf("%.0f\n", median(rates, runs));
    return 0;
  }
  if (!strcmp(argv[1], "connect") && argc == 5) {
    int n = atoi(argv[4]);
    double* t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; ++i) {
      double t0 = now();
      int fd = dial(&a);
      t[i] = (now() - t0) * 1e6;
      close(fd);
    }
    printf("%.0f\n", median(t, n));
    return 0;
  }
  fprintf(stderr, "usage: see the header of net_probe.c\n");
  return 2;
}
