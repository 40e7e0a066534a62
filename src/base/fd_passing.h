// Passing one file descriptor over a unix socket (SCM_RIGHTS).
//
// PID 1 inside the sandbox allocates the pty from the sandbox's own devpts and
// sends the master to the launcher with SendFd; the launcher takes it with
// RecvFd. Each message carries exactly one fd and a 1-byte payload, so a
// message is never mistaken for end-of-stream and a peer cannot smuggle extra
// descriptors into the launcher: anything but exactly one fd is closed and
// reported as an error.
#pragma once

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb {

// Sends `fd` over the connected unix socket `sock` with a 1-byte payload.
// Never raises SIGPIPE (EPIPE is returned as an error instead).
Status SendFd(int sock, int fd);

// Receives one fd sent by SendFd. The fd arrives with FD_CLOEXEC set, so it
// cannot leak into a program the launcher executes. Fails (and closes
// whatever arrived) on end-of-stream, a message without an fd, more than one
// fd, truncated control data or any other control message.
Result<UniqueFd> RecvFd(int sock);

}  // namespace vsb
