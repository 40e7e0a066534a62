#include "vm/initrd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/unique_fd.h"
#include "vm/kernel_cache.h"

namespace vsb::vm {
namespace {

std::string Basename(const std::string& p) { return p.substr(p.rfind('/') + 1); }

void Pad4(std::string* out) {
  while (out->size() % 4) out->push_back('\0');
}

void AppendHeader(std::string* out, uint32_t ino, const InitrdEntry& e, size_t size,
                  const std::string& name) {
  char h[111];
  snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino,
           e.mode, 0u, 0u, (e.mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u, size, 0u, 0u, e.rdev_major,
           e.rdev_minor, name.size() + 1, 0u);
  out->append(h, 110);
  out->append(name);
  out->push_back('\0');
  Pad4(out);
}

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return FailErrno(errno ? errno : ENOENT, "read " + path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A new initrd replaces the old ones (the init or a module changed): remove
// archives older than ten minutes, so the cache does not grow with every
// rebuild. A launcher still about to boot one resolved it milliseconds ago.
void PruneOldInitrds(const std::string& dir, const std::string& keep) {
  std::error_code ec;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(10);
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename();
    if (e.path() == keep || name.rfind("initrd-", 0) != 0 || name.size() < 5 ||
        name.compare(name.size() - 5, 5, ".cpio") != 0)
      continue;
    auto mtime = std::filesystem::last_write_time(e.path(), ec);
    if (!ec && mtime < cutoff) std::filesystem::remove(e.path(), ec);
  }
}

}  // namespace

std::vector<InitrdEntry> InitrdEntries(const std::string& init_binary,
                                       const std::string& modules_dir,
                                       const std::vector<std::string>& modules) {
  std::vector<InitrdEntry> e;
  auto dir = [&](const char* n) { e.push_back({n, S_IFDIR | 0755}); };
  dir("dev");
  e.push_back({"dev/console", S_IFCHR | 0600, "", "", 5, 1});
  dir("proc");
  dir("sys");
  dir("newroot");
  e.push_back({"init", S_IFREG | 0755, init_binary});
  dir("modules");
  std::string list;
  for (const auto& m : modules) {
    InitrdEntry k{"modules/" + Basename(m), S_IFREG | 0644, modules_dir + "/" + m};
    k.strip_signature = true;
    e.push_back(k);
    list += Basename(m) + "\n";
  }
  e.push_back({"modules.list", S_IFREG | 0644, "", list});
  return e;
}

std::string StripModuleSignature(std::string ko) {
  static constexpr char kMarker[] = "~Module signature appended~\n";
  constexpr size_t kMarkerLen = sizeof(kMarker) - 1;  // 28
  constexpr size_t kSigInfo = 12;                     // struct module_signature
  if (ko.size() < kMarkerLen + kSigInfo ||
      ko.compare(ko.size() - kMarkerLen, kMarkerLen, kMarker) != 0)
    return ko;
  const auto* p = reinterpret_cast<const unsigned char*>(ko.data() + ko.size() - kMarkerLen - 4);
  size_t sig_len = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
  if (sig_len > ko.size() - kMarkerLen - kSigInfo) return ko;
  ko.resize(ko.size() - kMarkerLen - kSigInfo - sig_len);
  return ko;
}

std::string WriteCpio(const std::vector<InitrdEntry>& entries,
                      const std::vector<std::string>& contents) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& c = contents[i];
    AppendHeader(&out, static_cast<uint32_t>(i + 1), entries[i], c.size(), entries[i].name);
    out.append(c);
    Pad4(&out);
  }
  InitrdEntry trailer{"TRAILER!!!", 0};
  AppendHeader(&out, 0, trailer, 0, trailer.name);
  return out;
}

Result<std::string> EnsureInitrd(const std::vector<InitrdEntry>& entries,
                                 const std::string& cache_dir) {
  std::vector<std::string> contents;
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const auto& e : entries) {
    std::string c = e.data;
    if (!e.host_file.empty()) {
      VSB_ASSIGN_OR_RETURN(c, ReadWhole(e.host_file));
      if (e.strip_signature) c = StripModuleSignature(std::move(c));
    }
    mix(e.name);
    mix(std::to_string(e.mode));
    mix(c);
    contents.push_back(std::move(c));
  }
  char name[64];
  snprintf(name, sizeof name, "/initrd-%016llx.cpio", static_cast<unsigned long long>(h));
  std::string path = cache_dir + name;
  if (access(path.c_str(), R_OK) == 0) return path;
  VSB_TRY(MakeDirs(cache_dir, 0755));
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return FailErrno(errno, "create " + tmp);
  std::string cpio = WriteCpio(entries, contents);
  for (size_t off = 0; off < cpio.size();) {
    ssize_t n = write(fd.get(), cpio.data() + off, cpio.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      unlink(tmp.c_str());
      return FailErrno(err, "write " + tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return FailErrno(err, "rename " + tmp);
  }
  PruneOldInitrds(cache_dir, path);
  return path;
}

}  // namespace vsb::vm
