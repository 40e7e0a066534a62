/* probe_common.h - shared by the probe programs (C, static). Each probe runs
 * INSIDE a sandbox and prints one `key=value` line per observation, so the
 * GoogleTest side can parse it into a map (see probe_support.h). A value is
 * "OK" when a call succeeded and the errno name (EPERM, EROFS, ...) when it
 * failed. Probes never change anything outside the sandbox: they pass invalid
 * pointers where a call would otherwise act, open files without writing, and
 * undo what they create. */
#pragma once
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

static inline const char *probe_errname(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "EUNKNOWN";
}

/* Prints name=OK for r >= 0, else name=<errno name>. */
static inline void probe_report(const char *name, long r) {
  printf("%s=%s\n", name, r < 0 ? probe_errname(errno) : "OK");
}
