// Starting the sandboxed command from PID 1: shared by the container and VM
// paths of virt-sandbox-init.
#pragma once

#include <sys/types.h>

#include "proto/init_spec.h"

namespace vsb::init {

struct CommandStdio {
  int in = 0;
  int out = 1;
  int err = 2;
  bool make_ctty = false;  // `in` is a pty slave: make it the controlling tty
};

struct Spawned {
  pid_t pid = -1;
  int exec_error_fd = -1;  // read after the child exits: 0 bytes = exec'd fine
};

// Forks the command. The child: new session (and controlling tty), identity
// (groups, gid, uid), capabilities dropped unless spec.keep_caps, no-new-privs,
// Landlock, seccomp, every fd but 0-2 and spec.pass_fds closed, cwd, exec.
// On failure the child writes {step errno} to exec_error_fd and exits 127.
// Returns pid -1 with errno set if fork itself failed.
Spawned SpawnCommand(const proto::InitSpec& spec, const CommandStdio& stdio);

// After the child was reaped: fills `report` from what the child wrote to
// exec_error_fd (exec failure or a hardening step that failed) and returns
// true, or returns false when the command ran. Closes the fd.
bool ReadSpawnFailure(int exec_error_fd, proto::InitReport* report);

// Exit status as a report: exited N or killed by signal N.
proto::InitReport ReportFromWaitStatus(int wait_status);

}  // namespace vsb::init
