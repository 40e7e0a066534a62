/* data_stream.h - a deterministic byte stream (xorshift64*) shared by the
 * vsb-probe-data program and the C++ tests that check what came through the
 * sandbox's stdout/stderr: both sides generate the same bytes from a seed. */
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t s; } vsb_stream;

static inline void vsb_stream_init(vsb_stream *st, uint64_t seed) {
  st->s = seed ? seed : 0x9E3779B97F4A7C15ull;
}

/* Fills buf with the next n bytes; with n a multiple of 8 the stream does
 * not depend on how it is chunked. */
static inline void vsb_stream_fill(vsb_stream *st, unsigned char *buf, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    st->s ^= st->s >> 12;
    st->s ^= st->s << 25;
    st->s ^= st->s >> 27;
    uint64_t v = st->s * 0x2545F4914F6CDD1Dull;
    for (size_t k = 0; k < 8 && i + k < n; ++k) buf[i + k] = (unsigned char)(v >> (8 * k));
  }
}
