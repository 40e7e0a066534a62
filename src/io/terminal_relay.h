// RelayTerminal: the launcher's side of an interactive sandbox.
//
// PID 1 in the sandbox allocates a pty from the sandbox's own devpts and sends
// the master here (fd_passing.h); the host terminal itself is never handed to
// the sandbox, so nothing inside can TIOCSTI into, or reconfigure, the user's
// terminal. The launcher puts the host terminal in raw mode (RawTerminal) and
// calls RelayTerminal, which copies bytes both ways until one of RelayEnd.
//
// Guarantees: bounded memory (one fixed buffer per direction), no byte lost
// or reordered in either direction while both ends are alive, no busy loop
// (it sleeps in poll), and the caller's stdin/stdout descriptors keep their
// flags (see nonblocking_view.h). The master is set O_NONBLOCK while relaying
// and its flags are put back on return.
#pragma once

#include <functional>

#include "base/result.h"

namespace vsb::io {

struct RelayOptions {
  int host_in = 0;    // the user's terminal (or any readable fd)
  int host_out = 1;   // where the sandbox's output goes
  int master = -1;    // pty master received from the sandbox (owned by caller)
  int done_fd = -1;   // readable when the sandbox has ended (pidfd of its init); -1: none
  int signal_fd = -1; // caller's signalfd (SFD_NONBLOCK advised); -1: none
  // Typed on host_in, ends the relay; bytes typed before it in the same read
  // are forwarded, bytes after it are dropped.
  unsigned char escape = 0x1d;  // Ctrl-]
  // Every signal read from signal_fd except SIGWINCH (which the relay handles
  // by copying the host window size to the master).
  std::function<void(int sig)> on_signal;
};

enum class RelayEnd {
  kSandboxDone,   // done_fd fired; what the master still held was delivered
  kMasterClosed,  // every slave fd is closed (read gave EIO/EOF); all output delivered
  kEscape,        // the user typed the escape byte
};

// Relays until one of RelayEnd. EOF on host_in only stops reading it (the
// sandbox keeps running and its output keeps flowing). An error (e.g. the
// host terminal went away: EPIPE/EIO on host_out) is returned as such; the
// caller then ends the sandbox.
Result<RelayEnd> RelayTerminal(const RelayOptions& options);

}  // namespace vsb::io
