#include "virt-sandbox/error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace vsb {

Error Error::FromErrno(int err, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (err) {
    case EPERM:
    case EACCES:
      code = ErrorCode::kPermissionDenied;
      break;
    case ENOENT:
      code = ErrorCode::kNotFound;
      break;
    case ENOSYS:
    case EOPNOTSUPP:
      code = ErrorCode::kUnsupported;
      break;
    case EINVAL:
      code = ErrorCode::kInvalidArgument;
      break;
    case ETIMEDOUT:
      code = ErrorCode::kTimeout;
      break;
  }
  std::string message(what);
  if (err != 0) {  // 0: `what` already says why (e.g. a message relayed from the guest)
    message += ": ";
    message += std::strerror(err);
  }
  return Error(code, std::move(message), err);
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message), errno_);
}

}  // namespace vsb
