// What the launcher owns while one container sandbox runs.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <vector>

#include "base/unique_fd.h"
#include "container/cgroup.h"
#include "container/janitor.h"
#include "container/net_setup.h"
#include "container/qcow_export.h"
#include "container/temp_dir.h"
#include "proto/init_spec.h"

namespace vsb::container {

struct LaunchState {
  std::vector<TempDir> temp_dirs;
  std::vector<QcowExport> qcow_exports;  // outlive image_mounts (declared first)
  std::vector<UniqueFd> image_mounts;
  std::optional<SandboxCgroup> cgroup;
  UniqueFd spec_memfd;
  UniqueFd sync_rd, sync_wr;
  UniqueFd report_rd, report_wr;
  UniqueFd control_parent, control_child;
  UniqueFd init_exe;
  UniqueFd signal_fd;
  sigset_t old_mask{};
  bool mask_saved = false;
  pid_t init_pid = -1;
  UniqueFd pidfd;
  std::optional<Janitor> janitor;
  NetRuntime net;  // pasta processes, resolv.conf/hosts paths (-N)

  // Outcome.
  std::optional<proto::InitReport> report;
  bool timed_out = false;
  bool escaped = false;
  int wait_status = 0;

  ~LaunchState();
};

}  // namespace vsb::container
