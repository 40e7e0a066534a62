// Result<T>: a value or the Error that prevented it.
#pragma once

#include <expected>

#include "virt-sandbox/error.h"

namespace vsb {

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }
inline std::unexpected<Error> FailErrno(int err, std::string_view what) {
  return std::unexpected<Error>(Error::FromErrno(err, what));
}
inline std::unexpected<Error> FailInvalid(std::string message) {
  return std::unexpected<Error>(Error::Invalid(std::move(message)));
}

}  // namespace vsb

#define VSB_TRY(expr)                                     \
  do {                                                    \
    if (auto vsb_try_result_ = (expr); !vsb_try_result_) \
      return std::unexpected(vsb_try_result_.error());    \
  } while (0)

#define VSB_CONCAT_INNER_(a, b) a##b
#define VSB_CONCAT_(a, b) VSB_CONCAT_INNER_(a, b)
#define VSB_ASSIGN_OR_RETURN(lhs, expr) \
  VSB_ASSIGN_OR_RETURN_IMPL_(VSB_CONCAT_(vsb_result_, __LINE__), lhs, expr)
#define VSB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp) return std::unexpected(tmp.error());   \
  lhs = std::move(*tmp)
