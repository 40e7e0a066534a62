#include "proto/init_spec.h"

#include "proto/wire.h"

namespace vsb::proto {
namespace {
constexpr uint32_t kSpecMagic = 0x53425356;  // "VSBS"
constexpr uint32_t kSpecVersion = 1;
}  // namespace

std::string InitSpec::Encode() const {
  WireWriter w;
  w.U32(kSpecMagic);
  w.U32(kSpecVersion);
  w.StringList(argv);
  w.StringList(env);
  w.Bytes(cwd);
  w.U8(cwd_required);
  w.U8(set_groups);
  w.U32(uid);
  w.U32(gid);
  w.U32(static_cast<uint32_t>(groups.size()));
  for (uint32_t g : groups) w.U32(g);
  w.U8(keep_caps);
  w.U8(tty);
  w.Bytes(seccomp_bpf);
  w.U8(landlock);
  w.StringList(landlock_writable);
  w.U32(static_cast<uint32_t>(pass_fds.size()));
  for (int32_t fd : pass_fds) w.I32(fd);
  w.U32(rows);
  w.U32(cols);
  return w.data();
}

std::optional<InitSpec> InitSpec::Decode(std::string_view data) {
  WireReader r(data);
  if (r.U32() != kSpecMagic || r.U32() != kSpecVersion) return std::nullopt;
  InitSpec s;
  s.argv = r.StringList();
  s.env = r.StringList();
  s.cwd = r.Bytes();
  s.cwd_required = r.U8() != 0;
  s.set_groups = r.U8() != 0;
  s.uid = r.U32();
  s.gid = r.U32();
  uint32_t ngroups = r.U32();
  if (ngroups > 65536) return std::nullopt;
  for (uint32_t i = 0; i < ngroups && r.ok(); ++i) s.groups.push_back(r.U32());
  s.keep_caps = r.U8() != 0;
  s.tty = r.U8() != 0;
  s.seccomp_bpf = r.Bytes();
  s.landlock = r.U8() != 0;
  s.landlock_writable = r.StringList();
  uint32_t nfds = r.U32();
  if (nfds > 1024) return std::nullopt;
  for (uint32_t i = 0; i < nfds && r.ok(); ++i) s.pass_fds.push_back(r.I32());
  s.rows = static_cast<uint16_t>(r.U32());
  s.cols = static_cast<uint16_t>(r.U32());
  if (!r.ok() || !r.at_end() || s.argv.empty()) return std::nullopt;
  return s;
}

void MakeReport(InitReport* r, InitReport::Kind kind, int code, int err, const char* step,
                const char* object) {
  r->magic = InitReport::kMagic;
  r->kind = kind;
  r->code = code;
  r->sys_errno = err;
  size_t n = 0;
  const size_t cap = sizeof(r->step) - 1;
  for (const char* s = step; s && *s && n < cap; ++s) r->step[n++] = *s;
  if (object && n < cap) r->step[n++] = ' ';
  for (const char* s = object; s && *s && n < cap; ++s) r->step[n++] = *s;
  r->step[n] = '\0';
}

}  // namespace vsb::proto
