// -m TYPE:DST=SRC
//
//   host-bind:DST=SRC[,ro]          host directory SRC at DST (empty SRC: temp dir)
//   host-image:DST=SRC[,format=raw|qcow2][,rw]   disk image, read-only unless rw
//   guest-bind:DST=SRC[,ro]         sandbox directory SRC shown again at DST
//   ram:DST=SIZE                    tmpfs of SIZE bytes
#include <string>

#include "config/option_parsers.h"
#include "config/path_checks.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

constexpr std::string_view kKinds = "host-bind, host-image, guest-bind or ram";

struct KindName {
  MountKind kind;
  std::string_view name;
};
constexpr KindName kKindNames[] = {
    {MountKind::kHostBind, "host-bind"},
    {MountKind::kHostImage, "host-image"},
    {MountKind::kGuestBind, "guest-bind"},
    {MountKind::kRam, "ram"},
};

// Applies the ",opt" suffixes of a spec to mount.
Status ApplyMountOption(std::string_view opt, Mount& mount) {
  if (opt == "ro" && mount.kind != MountKind::kRam) {
    mount.writable = false;
    return {};
  }
  if (opt == "rw" && mount.kind != MountKind::kRam) {
    mount.writable = true;
    return {};
  }
  if (opt.starts_with("format=") && mount.kind == MountKind::kHostImage) {
    mount.format = std::string(opt.substr(7));
    return {};
  }
  std::string allowed = mount.kind == MountKind::kHostImage ? "format=raw|qcow2, ro or rw"
                                                            : "ro or rw";
  return FailInvalid("unknown mount option " + Quote(opt) + " for " +
                     std::string(MountKindName(mount.kind)) + " (use " + allowed + ")");
}

}  // namespace

std::string_view MountKindName(MountKind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

Result<MountKind> ParseMountKind(std::string_view name) {
  for (const KindName& k : kKindNames) {
    if (k.name == name) return k.kind;
  }
  return FailInvalid("unknown mount type " + Quote(name) + " (use " + std::string(kKinds) + ")");
}

Result<Mount> ParseMount(std::string_view spec) {
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return FailInvalid("expected TYPE:DST=SRC with TYPE " + std::string(kKinds) +
                       " (e.g. host-bind:/data=/srv/data)");
  }
  Mount mount;
  VSB_ASSIGN_OR_RETURN(mount.kind, ParseMountKind(spec.substr(0, colon)));
  std::string_view rest = spec.substr(colon + 1);
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) {
    return FailInvalid("missing \"=\" after target " + Quote(rest) + " (expected " +
                       std::string(MountKindName(mount.kind)) +
                       (mount.kind == MountKind::kRam ? ":DST=SIZE)" : ":DST=SRC)"));
  }
  mount.target = std::string(rest.substr(0, eq));
  std::string_view value = rest.substr(eq + 1);
  mount.writable = mount.kind != MountKind::kHostImage;
  if (mount.kind == MountKind::kRam) {
    VSB_ASSIGN_OR_RETURN(mount.size_bytes, ParseSize(value));
  } else {
    size_t comma = value.find(',');
    mount.source = std::string(value.substr(0, comma));
    while (comma != std::string_view::npos) {
      size_t next = value.find(',', comma + 1);
      std::string_view opt = value.substr(comma + 1, next == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : next - comma - 1);
      VSB_TRY(ApplyMountOption(opt, mount));
      comma = next;
    }
  }
  VSB_TRY(CheckMount(mount));
  return mount;
}

Status CheckMount(const Mount& mount) {
  VSB_TRY(CheckSandboxPath(mount.target, "target", mount.kind == MountKind::kHostImage));
  switch (mount.kind) {
    case MountKind::kHostBind:
      // An empty source asks for a temporary directory.
      if (!mount.source.empty()) VSB_TRY(CheckHostPath(mount.source, "source"));
      break;
    case MountKind::kHostImage:
      if (mount.source.empty()) {
        return FailInvalid("host-image needs an image file (host-image:DST=FILE)");
      }
      VSB_TRY(CheckHostPath(mount.source, "image"));
      if (!mount.format.empty() && mount.format != "raw" && mount.format != "qcow2") {
        return FailInvalid("unknown image format " + Quote(mount.format) +
                           " (use format=raw or format=qcow2)");
      }
      break;
    case MountKind::kGuestBind:
      if (mount.source.empty()) {
        return FailInvalid("guest-bind needs a source path inside the sandbox (guest-bind:DST=SRC)");
      }
      VSB_TRY(CheckSandboxPath(mount.source, "source", false));
      break;
    case MountKind::kRam:
      if (mount.size_bytes == 0) {
        return FailInvalid("ram mount needs a size above 0 (e.g. ram:/tmp=64M)");
      }
      if (!mount.source.empty()) {
        return FailInvalid("ram mount takes a size, not a source (ram:DST=SIZE)");
      }
      if (!mount.writable) return FailInvalid("ram mounts are always writable (drop writable = false)");
      break;
  }
  if (mount.kind != MountKind::kHostImage && !mount.format.empty()) {
    return FailInvalid("format is only for host-image mounts");
  }
  if (mount.kind != MountKind::kRam && mount.size_bytes != 0) {
    return FailInvalid("size is only for ram mounts");
  }
  return {};
}

}  // namespace vsb::config
