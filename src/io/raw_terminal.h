// RawTerminal: the host terminal in raw mode for as long as the object lives.
//
// While the launcher relays a sandbox's pty, every byte the user types must
// reach the sandbox unchanged: no line editing, no echo by the host, and ^C,
// ^Z, ^\ arrive as bytes (ISIG off) so they act on the sandboxed program, not
// on the launcher. Output processing (OPOST) is off because the sandbox's own
// pty already did it.
//
// The saved settings live in a fixed process-wide table, so the terminal is
// put back on every way out: the destructor, RestoreAllRawTerminals() from a
// fatal-signal handler, and an atexit hook for exit() paths. Only _exit() and
// SIGKILL leave the terminal raw (`reset` fixes it). Only the process that
// entered raw mode restores: a forked child exiting leaves it alone.
#pragma once

#include "base/result.h"

namespace vsb::io {

class RawTerminal {
 public:
  // Saves the termios of `fd` and applies cfmakeraw. Fails with ENOTTY when
  // fd is not a terminal, or when the table of saved terminals is full.
  // `fd` must stay open while the returned object lives.
  static Result<RawTerminal> Enter(int fd);

  RawTerminal(RawTerminal&& other) noexcept;
  RawTerminal& operator=(RawTerminal&& other) noexcept;
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  // Restores the saved settings (TCSADRAIN: output already queued is written
  // with the raw settings it was produced for).
  ~RawTerminal();

  // Restores now and reports whether the kernel accepted it; later calls and
  // the destructor do nothing.
  Status Restore();

 private:
  RawTerminal(int slot, unsigned generation) : slot_(slot), generation_(generation) {}
  int slot_ = -1;  // index in the process-wide table, -1 when moved from
  unsigned generation_ = 0;
};

// Restores every terminal still in raw mode. Async-signal-safe (atomics and
// tcsetattr only) and idempotent: the launcher calls it from its handler for
// fatal signals before re-raising. Uses TCSANOW so that a terminal nobody
// reads any more cannot block the dying process.
void RestoreAllRawTerminals() noexcept;

}  // namespace vsb::io
