// Mounts a test left in its directory: found without crossing them, taken away without
// following a symlink.
#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string>

namespace ginsttest::util {

// Whether the entry `name` of the directory open as `dir_fd` is the root of a mount (a
// directory or a file bound there, or a file system mounted there), seen from this mount
// namespace. Symlinks are not followed. False when it cannot be told.
bool is_mount_point(int dir_fd, const char* name);

// Whether the directories open as `a` and `b` lie on the same mount (for a directory opened
// after is_mount_point() said it was none: something may have been mounted on it since).
bool same_mount(int a, int b);

// Detaches (lazily, as `umount -l` does) every mount stacked on the entry `name` of `dir_fd`,
// reached through a descriptor opened without following a symlink, so that what lies under it
// is the entry again. `path` names the entry in the error.
Status detach_mounts(int dir_fd, const char* name, const std::filesystem::path& path);

// The note for a mount a test left that the runner took away.
std::string unmounted_note(const std::filesystem::path& path);

} // namespace ginsttest::util
