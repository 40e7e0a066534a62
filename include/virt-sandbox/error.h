// Error: why virt-sandbox itself could not do what was asked.
//
// A sandboxed command that fails is not an Error; it is a RunResult. An Error
// names the failing step, the object it acted on and, for syscalls, errno, so
// that one line tells the user what failed and why:
//   "mount tmpfs on /tmp: Permission denied"
#pragma once

#include <string>
#include <string_view>

namespace vsb {

enum class ErrorCode {
  kInvalidArgument,  // bad option or config: the user can fix it
  kNotFound,         // a file, user, kernel or command named by the user is missing
  kPermissionDenied, // the kernel refused (EPERM/EACCES)
  kUnsupported,      // the host lacks a feature (no user namespaces, no KVM, ...)
  kTimeout,          // a bounded wait ran out (guest handshake, ...)
  kInternal,         // an unexpected kernel answer or our own bug
};

class Error {
 public:
  Error(ErrorCode code, std::string message, int sys_errno = 0)
      : code_(code), message_(std::move(message)), errno_(sys_errno) {}

  // "verb object: strerror(err)"; the code is derived from errno.
  static Error FromErrno(int err, std::string_view what);
  static Error Invalid(std::string message) {
    return Error(ErrorCode::kInvalidArgument, std::move(message));
  }

  ErrorCode code() const { return code_; }
  int sys_errno() const { return errno_; }
  const std::string& message() const { return message_; }

  // Prefixes context while unwinding: "host-bind /data: " + message.
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
  int errno_;
};

}  // namespace vsb
