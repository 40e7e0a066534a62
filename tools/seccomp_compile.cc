// seccomp_compile: turns a seccomp .policy file into the raw BPF program
// (struct sock_filter[]) that virt-sandbox-init loads. Run by the build (target
// seccomp_profiles), so no sandbox start ever pays for compiling a filter.
//
//   seccomp_compile INPUT.policy OUTPUT.bpf    write the program atomically
//   seccomp_compile --pfc INPUT.policy         print libseccomp's readable form
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "host/seccomp_program.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: seccomp_compile INPUT.policy OUTPUT.bpf\n"
                       "       seccomp_compile --pfc INPUT.policy\n");
  return 2;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool pfc = argc == 3 && std::strcmp(argv[1], "--pfc") == 0;
  if (!pfc && argc != 3) return Usage();
  const char* input = argv[pfc ? 2 : 1];
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "seccomp_compile: cannot read %s: %s\n", input, std::strerror(errno));
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();

  auto result = pfc ? vsb::host::DescribeSeccompPolicy(text.str(), input)
                    : vsb::host::CompileSeccompPolicy(text.str(), input);
  if (!result) {
    std::fprintf(stderr, "seccomp_compile: %s\n", result.error().message().c_str());
    return 1;
  }
  if (pfc) return WriteAll(STDOUT_FILENO, *result) ? 0 : 1;

  // Write beside the target, then rename: a reader never sees half a program.
  std::string output = argv[2];
  std::string tmp = output + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || !WriteAll(fd, *result) || close(fd) != 0 ||
      rename(tmp.c_str(), output.c_str()) != 0) {
    std::fprintf(stderr, "seccomp_compile: write %s: %s\n", output.c_str(), std::strerror(errno));
    unlink(tmp.c_str());
    return 1;
  }
  return 0;
}
