/* vsb-probe-data MIB SEED_OUT SEED_ERR - issue 2 "100 MB through stdout and
 * stderr intact and apart": writes MIB MiB of the data_stream.h stream seeded
 * SEED_OUT to stdout and as much seeded SEED_ERR to stderr, interleaved in
 * 64 KiB chunks, so the test can regenerate both and compare byte for byte. */
#include "probe_common.h"
#include "data_stream.h"

#include <stdlib.h>
#include <unistd.h>

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  long chunks = atol(argv[1]) * 16; /* 16 x 64 KiB per MiB */
  vsb_stream out, err;
  vsb_stream_init(&out, strtoull(argv[2], NULL, 0));
  vsb_stream_init(&err, strtoull(argv[3], NULL, 0));
  static unsigned char buf[1 << 16];
  for (long i = 0; i < chunks; i++) {
    vsb_stream_fill(&out, buf, sizeof buf);
    if (write_all(1, buf, sizeof buf)) return 3;
    vsb_stream_fill(&err, buf, sizeof buf);
    if (write_all(2, buf, sizeof buf)) return 4;
  }
  return 0;
}
