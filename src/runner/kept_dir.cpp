#include "runner/kept_dir.hpp"

#include "util/fd.hpp"
#include "util/mounts.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace ginsttest::runner {
namespace {

// Directories hold at most this deep a tree; deeper ones are left as they are, with a note.
constexpr int max_depth = 256;

// Whether a symlink to `target` stays in the tree it is in, whatever other symlinks there
// are: relative, and never going up (each symlink then leads only downwards from its own
// directory).
bool stays_inside(const std::string& target) {
  if (target.empty() || target.front() == '/') {
    return false;
  }
  const std::filesystem::path path{target};
  return std::none_of(path.begin(), path.end(), [](const auto& part) { return part == ".."; });
}

struct Sealer {
  const util::Owner* owner;
  std::vector<std::string> notes;

  void note(const std::filesystem::path& path, std::string_view what) {
    notes.push_back(fmt::format("{}: {}", path.string(), what));
  }
  void note_errno(const std::filesystem::path& path, std::string_view what) {
    notes.push_back(fmt::format("{}: {}: {}", path.string(), what, util::errno_text(errno)));
  }

  // Gives the entry (a directory when `dir_fd` is its own descriptor and `name` is "") to the
  // owner, closed to writes by others.
  void hand_over(int at, const char* name, const struct stat& st,
                 const std::filesystem::path& path) {
    const int flags = AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH);
    if (::fchownat(at, name, owner->uid, owner->gid, flags) != 0) {
      note_errno(path, "not handed to the runner's user");
      return;
    }
    // Symlinks have no mode of their own; chown cleared the set-id bits of the rest.
    if (!S_ISLNK(st.st_mode)) {
      const mode_t mode = st.st_mode & 0755;
      const int done = *name ? ::fchmodat(at, name, mode, 0) : ::fchmod(at, mode);
      if (done != 0) {
        note_errno(path, "its mode not changed");
      }
    }
  }

  void seal_entry(int dir_fd, const char* name, const std::filesystem::path& path, int depth) {
    if (util::is_mount_point(dir_fd, name)) {
      if (auto detached = util::detach_mounts(dir_fd, name, path); !detached) {
        notes.push_back(detached.error().what);
        return;
      }
      notes.push_back(util::unmounted_note(path));
    }
    struct stat st {};
    if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return;
    }
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      const ssize_t len = ::readlinkat(dir_fd, name, buf, sizeof buf);
      const std::string target{buf, len > 0 ? static_cast<std::size_t>(len) : 0};
      if (len <= 0 || !stays_inside(target)) {
        ::unlinkat(dir_fd, name, 0);
        note(path, fmt::format("a symlink to {}, which may lead outside; dropped", target));
        return;
      }
    } else if (S_ISDIR(st.st_mode)) {
      util::Fd child{::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
      if (!child || !util::same_mount(dir_fd, child.get())) {
        note(path, "not walked; left as it is");
        return;
      }
      seal_dir(child.get(), path, depth + 1);
      return;
    } else if (owner && st.st_nlink > 1) {
      ::unlinkat(dir_fd, name, 0);
      note(path, "a file with other links, which may be the host's; dropped");
      return;
    }
    if (owner) {
      hand_over(dir_fd, name, st, path);
    }
  }

  void seal_dir(int dir_fd, const std::filesystem::path& path, int depth) {
    struct stat st {};
    if (::fstat(dir_fd, &st) != 0) {
      return;
    }
    // Handed over before it is read: from then on nothing of the test user's adds to it.
    if (owner) {
      hand_over(dir_fd, "", st, path);
    }
    if (depth >= max_depth) {
      note(path, "too deep; not walked further");
      return;
    }
    util::DirPtr dir{::fdopendir(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC))};
    if (!dir) {
      note_errno(path, "not walked");
      return;
    }
    while (const dirent* entry = ::readdir(dir.get())) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") {
        seal_entry(dir_fd, entry->d_name, path / name, depth);
      }
    }
  }
};

} // namespace

std::vector<std::string> seal_kept_dir(int dir_fd, const std::filesystem::path& path,
                                       const util::Owner* new_owner) {
  Sealer sealer{new_owner, {}};
  sealer.seal_dir(dir_fd, path, 0);
  return std::move(sealer.notes);
}

} // namespace ginsttest::runner
