#include "net/nft.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace vsb::net {

Status ApplyNftRuleset(const std::string& ruleset, const std::string& nft) {
  if (access(nft.c_str(), X_OK) != 0) return FailErrno(errno, "network filter: run " + nft + " (install nftables)");
  int in[2], err[2];
  if (pipe2(in, O_CLOEXEC) < 0) return FailErrno(errno, "network filter: pipe");
  UniqueFd in_rd(in[0]), in_wr(in[1]);
  if (pipe2(err, O_CLOEXEC) < 0) return FailErrno(errno, "network filter: pipe");
  UniqueFd err_rd(err[0]), err_wr(err[1]);
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "network filter: fork");
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(in_rd.get(), 0);
    dup2(devnull, 1);
    dup2(err_wr.get(), 2);
    const char* argv[] = {"nft", "-f", "-", nullptr};
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", nullptr};
    execve(nft.c_str(), const_cast<char**>(argv), const_cast<char**>(envp));
    _exit(127);
  }
  in_rd.reset();
  err_wr.reset();
  // The ruleset is small (policy-generated); a full pipe would only block if
  // nft stopped reading, and then it exits and write fails with EPIPE.
  sighandler_t old = signal(SIGPIPE, SIG_IGN);
  size_t off = 0;
  while (off < ruleset.size()) {
    ssize_t n = write(in_wr.get(), ruleset.data() + off, ruleset.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  in_wr.reset();
  signal(SIGPIPE, old);
  std::string message;
  char buf[512];
  for (;;) {
    ssize_t n = read(err_rd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (message.size() < 4096) message.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return FailInvalid("network filter: nft -f - failed (" + how + ")" + (message.empty() ? "" : ": " + message));
}

}  // namespace vsb::net
