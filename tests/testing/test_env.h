// Shared test helpers: where the built binaries are, running the CLI with
// captured output, and skipping loudly when the machine lacks something.
#pragma once

#include <string>
#include <vector>

namespace vsb::testing {

// Absolute path of a binary in the build tree (e.g. "virt-sandbox").
std::string BuildPath(const std::string& name);
std::string SourcePath(const std::string& rel);
// The whole content of a file ("" if unreadable).
std::string ReadText(const std::string& path);

// A file with `content` in a fresh temp dir; both removed at scope end.
class TempFile {
 public:
  explicit TempFile(const std::string& content, const std::string& name = "config.toml");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

// The golden file tests/unit/golden/NAME; VSB_UPDATE_GOLDEN=1 first rewrites
// it with `actual`.
std::string Golden(const std::string& name, const std::string& actual);

// virt-sandbox plus the options every test run needs: a build tree under a
// path the sandbox makes private (/tmp, /var/tmp, /run; CI may clone there) is
// bound in read-only, so the probes and binaries stay reachable inside.
std::vector<std::string> CliCommand();
std::string CliCommandLine();  // the same, joined for a shell script

struct CliRun {
  int status = -1;  // exit status (128+N if killed by signal N)
  std::string out;
  std::string err;
};

// Runs virt-sandbox with args, feeding `input` on stdin (no terminal), and
// collects stdout and stderr separately. Fails the test after timeout_s.
CliRun RunCli(const std::vector<std::string>& args, const std::string& input = "",
              int timeout_s = 60);

// Runs any program the same way.
CliRun RunProgram(const std::vector<std::string>& argv, const std::string& input = "",
                  int timeout_s = 60);

// Non-empty reason when the test cannot run here (not root, no QEMU, ...).
std::string MissingRoot();
std::string MissingVm();

// Host state that must be identical before and after a sandbox run.
struct HostSnapshot {
  std::string mounts;       // /proc/self/mountinfo mount points
  std::string cgroups;      // virt-sandbox cgroups
  std::string temp_dirs;    // virt-sandbox temp dirs
  std::string processes;    // virt-sandbox-init / qemu processes
  bool operator==(const HostSnapshot&) const = default;
};
HostSnapshot TakeHostSnapshot();

}  // namespace vsb::testing

#define VSB_REQUIRE(reason_expr)                                   \
  do {                                                             \
    std::string vsb_reason_ = (reason_expr);                       \
    if (!vsb_reason_.empty()) GTEST_SKIP() << vsb_reason_;         \
  } while (0)
