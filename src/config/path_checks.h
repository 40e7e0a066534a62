// Path checks shared by every option that names a path.
//
// A path inside the sandbox (a mount target, a guest path, --cwd) is resolved
// by the engine under the new root. Relative paths, "." and ".." components
// would let a spec step outside the directory it appears to name (for example
// `-m host-bind:/tmp/../etc=...` covering /etc), so they are rejected here,
// before any engine sees them. Control bytes are rejected because they end up
// in mount tables, logs and error lines.
#pragma once

#include <string_view>

#include "base/result.h"

namespace vsb::config {

inline constexpr size_t kMaxPathBytes = 4095;       // PATH_MAX - 1
inline constexpr size_t kMaxComponentBytes = 255;   // NAME_MAX

// `what` names the path in messages ("target", "--cwd"). allow_root permits
// "/" itself.
Status CheckSandboxPath(std::string_view path, std::string_view what, bool allow_root);

// A path on the host: non-empty, no NUL or newline, at most kMaxPathBytes.
// A relative path is resolved against the caller's working directory by the
// engine (policy::Compile), as a shell user expects of `-m host-bind:/d=./d`.
Status CheckHostPath(std::string_view path, std::string_view what);

// True when s holds a byte below 0x20 or 0x7f.
bool HasControlByte(std::string_view s);

}  // namespace vsb::config
