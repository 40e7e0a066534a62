// Mount primitives for the container child: each is a few raw syscalls,
// async-signal-safe, returning -1 with errno set on failure.
#pragma once

namespace vsb::container::child {

// O_PATH fd of an absolute sandbox path resolved beneath root_fd; symlinks
// are refused unless follow_in_root (then they resolve inside the root).
int OpenInRoot(int root_fd, const char* path, bool follow_in_root);
// O_PATH fd of the parent directory of `path` and a pointer to its last name.
int OpenParentInRoot(int root_fd, const char* path, const char** name);

// Detached mounts.
int CloneTree(int dirfd, const char* path, bool recursive);  // open_tree
int NewMount(const char* fstype, const char* options, unsigned attrs);  // fsopen..fsmount
int SetAttrs(int mount_fd, unsigned attrs, bool recursive);
int Attach(int mount_fd, int target_fd);  // move_mount onto target

// Lays a tmpfs over directory `path` holding a bind of each of its entries,
// so that new mount points can be made there without touching the host.
// root_path is where the new root is attached (to reopen it when path is /).
int MirrorDirectory(int root_fd, const char* path, const char* root_path);

int BringUpLoopback();

}  // namespace vsb::container::child
