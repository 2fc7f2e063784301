#include "util/mounts.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

namespace ginsttest::util {
namespace {

// The mount id of what `name` in `dir_fd` names (the directory itself for ""), and whether the
// kernel flags it as a mount's root.
struct MountFacts {
  bool known = false;
  std::uint64_t mount_id = 0;
  bool has_id = false;
  bool root_flag = false;
  dev_t device = 0;
};

MountFacts mount_facts(int dir_fd, const char* name) {
  struct statx stx {};
  const int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (*name ? 0 : AT_EMPTY_PATH);
  MountFacts facts;
  if (::statx(dir_fd, name, flags, STATX_TYPE | STATX_MNT_ID, &stx) != 0) {
    return facts;
  }
  facts.known = true;
  facts.has_id = (stx.stx_mask & STATX_MNT_ID) != 0;
  facts.mount_id = stx.stx_mnt_id;
  facts.root_flag = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
                    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  facts.device = ::makedev(stx.stx_dev_major, stx.stx_dev_minor);
  return facts;
}

} // namespace

bool is_mount_point(int dir_fd, const char* name) {
  const MountFacts entry = mount_facts(dir_fd, name);
  if (!entry.known) {
    return false;
  }
  if (entry.root_flag) {
    return true;
  }
  // Kernels before 5.8 say neither: then only a file system of another device shows (a bind
  // mount from the same one does not).
  const MountFacts dir = mount_facts(dir_fd, "");
  if (entry.has_id && dir.has_id) {
    return entry.mount_id != dir.mount_id;
  }
  return dir.known && entry.device != dir.device;
}

bool same_mount(int a, int b) {
  const MountFacts first = mount_facts(a, "");
  const MountFacts second = mount_facts(b, "");
  if (!first.known || !second.known || second.root_flag) {
    return false;
  }
  return first.has_id && second.has_id ? first.mount_id == second.mount_id
                                       : first.device == second.device;
}

Status detach_mounts(int dir_fd, const char* name, const std::filesystem::path& path) {
  // Mounts may be stacked; each round takes the top one away.
  for (int round = 0; round < 64 && is_mount_point(dir_fd, name); round++) {
    Fd entry{::openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)};
    if (!entry) {
      return io_error(fmt::format("{}: {}", path.string(), errno_text(errno)));
    }
    // The descriptor's /proc path resolves to the mount's root, wherever it is.
    const auto target = fmt::format("/proc/self/fd/{}", entry.get());
    if (::umount2(target.c_str(), MNT_DETACH) != 0) {
      return io_error(fmt::format("{}: the test left it mounted, and it cannot be unmounted: {}",
                                  path.string(), errno_text(errno)));
    }
  }
  return Ok{};
}

std::string unmounted_note(const std::filesystem::path& path) {
  return fmt::format("{}: the test left it mounted; unmounted", path.string());
}

} // namespace ginsttest::util
