#include "util/temp_dir.hpp"

#include "util/fd.hpp"
#include "util/mounts.hpp"
#include "util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

namespace ginsttest::util {
namespace {

constexpr int dir_open_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Directories deeper than this below the one being removed are moved up into it rather than
// entered: each level entered holds a descriptor, and a test may nest thousands.
constexpr int max_depth = 32;

// What removing a tree met: the first failure ("path: reason"), and where to note the mounts a
// test left in it, which are detached rather than entered. The directory being removed is
// `top`; `moved_up` counts what was moved up into it, which another pass then removes.
struct Removal {
  Status first_failure = Ok{};
  std::vector<std::string>* notes = nullptr;
  int top = -1;
  unsigned moved_up = 0;

  void failed(Status status) {
    if (first_failure) {
      first_failure = std::move(status);
    }
  }
  void failed(const std::filesystem::path& path) {
    failed(io_error(fmt::format("{}: {}", path.string(), errno_text(errno))));
  }
};

// Opens the subdirectory `name` of `dirfd` to empty it, never on another mount: one mounted
// there is detached first (with a note), one mounted since is not entered.
Fd open_to_empty(int dirfd, const char* name, const std::filesystem::path& path, Removal& removal) {
  Fd child{::openat(dirfd, name, dir_open_flags)};
  if (!child && errno == EACCES) {
    // A directory the test made unreadable (unlinkat said it is a directory, not a symlink,
    // and no process of the test is left to swap it).
    ::fchmodat(dirfd, name, S_IRWXU, 0);
    child.reset(::openat(dirfd, name, dir_open_flags));
  }
  if (!child) {
    removal.failed(path);
  } else if (!same_mount(dirfd, child.get())) {
    removal.failed(
        io_error(fmt::format("{}: mounted on while being removed; left alone", path.string())));
    child.reset();
  }
  return child;
}

// Moves the directory `name` of `dirfd` up into the top directory, under a name of its own
// there; whether it could.
bool move_up(int dirfd, const char* name, Removal& removal) {
  const auto new_name = fmt::format(".ginsttest-deep-{}", removal.moved_up);
  if (::renameat2(dirfd, name, removal.top, new_name.c_str(), RENAME_NOREPLACE) != 0) {
    return false;
  }
  removal.moved_up++;
  return true;
}

// Empties the directory open as `dirfd` (`depth` levels below the top), never crossing a mount
// point.
void remove_contents(int dirfd, const std::filesystem::path& where, Removal& removal,
                     int depth = 0) {
  // A test may have left the directory without write or search permission. (Only then: a
  // needless chmod dirties the inode.)
  struct stat st {};
  if (::fstat(dirfd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) {
    ::fchmod(dirfd, st.st_mode | S_IRWXU);
  }
  DirPtr dir{::fdopendir(::openat(dirfd, ".", dir_open_flags))};
  if (!dir) {
    removal.failed(where);
    return;
  }
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    const auto path = where / name;
    // What a test mounted here is not its to lose: it is taken away, and what lies under it
    // is the test's entry again.
    if (is_mount_point(dirfd, entry->d_name)) {
      if (auto detached = detach_mounts(dirfd, entry->d_name, path); !detached) {
        removal.failed(std::move(detached));
        continue;
      }
      if (removal.notes) {
        removal.notes->push_back(unmounted_note(path));
      }
    }
    if (::unlinkat(dirfd, entry->d_name, 0) == 0 || errno == ENOENT) {
      continue;
    }
    if (errno != EISDIR && errno != EPERM) {
      removal.failed(path);
      continue;
    }
    if (depth >= max_depth && move_up(dirfd, entry->d_name, removal)) {
      continue;
    }
    Fd child = open_to_empty(dirfd, entry->d_name, path, removal);
    if (!child) {
      continue;
    }
    remove_contents(child.get(), path, removal, depth + 1);
    if (::unlinkat(dirfd, entry->d_name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
      removal.failed(path);
    }
  }
}

// Empties the top directory open as `fd` (at `dir`): passes until nothing more was moved up.
void empty_top(int fd, const std::filesystem::path& dir, Removal& removal) {
  removal.top = fd;
  unsigned moved_before = 0;
  do {
    moved_before = removal.moved_up;
    remove_contents(fd, dir, removal);
  } while (removal.moved_up != moved_before && removal.first_failure);
}

// Removes what `fd` (open on `dir`) holds, then `dir` itself.
Status remove_open_tree(int fd, const std::filesystem::path& dir) {
  Removal removal;
  empty_top(fd, dir, removal);
  if (!removal.first_failure) {
    return removal.first_failure;
  }
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    return io_error(fmt::format("{}: {}", dir.string(), errno_text(errno)));
  }
  return Ok{};
}

// renameat() to `target`, only when nothing is there (where the file system can say so
// atomically, as ext4, xfs, btrfs and tmpfs can).
bool rename_new(int from_dir, const std::filesystem::path& name,
                const std::filesystem::path& target) {
  if (::renameat2(from_dir, name.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  struct stat st {};
  if ((errno != EINVAL && errno != ENOSYS) || ::lstat(target.c_str(), &st) == 0) {
    if (errno == EINVAL || errno == ENOSYS) {
      errno = EEXIST;
    }
    return false;
  }
  return ::renameat(from_dir, name.c_str(), AT_FDCWD, target.c_str()) == 0;
}

// Detaches what is mounted on `path` (a mount point in its parent); whether there was one.
// A note says what was done, or why it could not be.
bool detach_mount_on(const std::filesystem::path& path, std::vector<std::string>* notes) {
  Fd parent{::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  const std::string name = path.filename().string();
  if (!parent || !is_mount_point(parent.get(), name.c_str())) {
    return false;
  }
  auto detached = detach_mounts(parent.get(), name.c_str(), path);
  if (notes) {
    notes->push_back(detached ? unmounted_note(path) : detached.error().what);
  }
  return detached.has_value();
}

} // namespace

Status remove_tree(const std::filesystem::path& dir) {
  Fd fd{::open(dir.c_str(), dir_open_flags)};
  if (!fd) {
    if (errno == ENOENT) {
      return Ok{};
    }
    return io_error(fmt::format("{}: {}", dir.string(), errno_text(errno)));
  }
  return remove_open_tree(fd.get(), dir);
}

Expected<TempDir> TempDir::create(const std::filesystem::path& base, std::string_view prefix,
                                  Stamp stamp, const std::optional<Owner>& owner) {
  std::string templ =
      (base / fmt::format("{}{}XXXXXX", prefix, prefix.empty() ? "" : "-")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return io_error(fmt::format("cannot create a temporary directory in {}: {}", base.string(),
                                errno_text(errno)));
  }
  Fd fd{::open(templ.c_str(), dir_open_flags)};
  if (!fd) {
    const int err = errno;
    ::rmdir(templ.c_str());
    return io_error(fmt::format("{}: {}", templ, errno_text(err)));
  }
  TempDir dir{std::filesystem::path{templ}, std::move(fd)};
  if (stamp == Stamp::yes) {
    const std::string name{stamp_name};
    Fd file{::openat(dir.fd(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0644)};
    if (!file || (owner && ::fchown(file.get(), owner->uid, owner->gid) != 0)) {
      return io_error(fmt::format("{}: cannot create {}: {}", templ, name, errno_text(errno)));
    }
  }
  if (owner && ::fchown(dir.fd(), owner->uid, owner->gid) != 0) {
    return io_error(
        fmt::format("cannot give {} to uid {}: {}", templ, owner->uid, errno_text(errno)));
  }
  return dir;
}

Status TempDir::lock_as_live() {
  if (::flock(m_fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return io_error(fmt::format("cannot lock {}: {}", m_path.string(), errno_text(errno)));
  }
  return Ok{};
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    (void)remove();
    m_path = std::exchange(other.m_path, {});
    m_fd = std::move(other.m_fd);
  }
  return *this;
}

TempDir::~TempDir() {
  (void)remove();
}

std::filesystem::path TempDir::release() {
  m_fd.reset();
  return std::exchange(m_path, {});
}

Expected<std::optional<TempDir::Location>> TempDir::locate() const {
  struct stat ours {};
  if (::fstat(m_fd.get(), &ours) != 0) {
    return io_error(fmt::format("{}: {}", m_path.string(), errno_text(errno)));
  }
  // A directory that is no longer linked anywhere was removed by the test itself (and so was
  // empty).
  if (ours.st_nlink == 0) {
    return std::optional<Location>{};
  }
  auto is_ours = [&](const Location& where) {
    struct stat there {};
    return where.parent &&
           ::fstatat(where.parent.get(), where.path.filename().c_str(), &there,
                     AT_SYMLINK_NOFOLLOW) == 0 &&
           there.st_dev == ours.st_dev && there.st_ino == ours.st_ino;
  };
  auto open_parent = [](const std::filesystem::path& path) {
    return Fd{::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  };
  // Where it was made, most often; else the test renamed it, and the kernel knows its name now.
  Location made{open_parent(m_path), m_path};
  if (is_ours(made)) {
    return std::optional<Location>{std::move(made)};
  }
  std::error_code ec;
  const std::filesystem::path now =
      std::filesystem::read_symlink(fmt::format("/proc/self/fd/{}", m_fd.get()), ec);
  Location moved{ec ? Fd{} : open_parent(now), ec ? m_path : now};
  if (!is_ours(moved)) {
    return io_error(fmt::format("{}: not where the runner looked for it", moved.path.string()));
  }
  return std::optional<Location>{std::move(moved)};
}

Status TempDir::remove(Fd* last_reference, std::vector<std::string>* notes) {
  if (!m_fd) {
    return Ok{};
  }
  auto where = locate();
  // A test that mounted something on its own directory hid it: once that is taken away, the
  // directory is where it was made.
  if (!where && detach_mount_on(m_path, notes)) {
    where = locate();
  }
  m_path.clear();
  Fd owned = std::move(m_fd);
  Fd& fd = last_reference ? (*last_reference = std::move(owned)) : owned;
  if (!where) {
    return io_error(fmt::format("not removed: {}", where.error().what));
  }
  if (!*where) {
    return Ok{};
  }
  // Emptied through our own descriptor, then unlinked under its current name. Most directories
  // hold nothing but their stamp by now: without it, unlinking them is all there is to do.
  const auto& now = (*where)->path;
  const int parent = (*where)->parent.get();
  const std::string stamp{stamp_name};
  (void)::unlinkat(fd.get(), stamp.c_str(), 0);
  if (::unlinkat(parent, now.filename().c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
    return Ok{};
  }
  Removal removal{Ok{}, notes};
  empty_top(fd.get(), now, removal);
  if (!removal.first_failure) {
    return removal.first_failure;
  }
  if (::unlinkat(parent, now.filename().c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return io_error(fmt::format("{}: {}", now.string(), errno_text(errno)));
  }
  return Ok{};
}

Status TempDir::move_to(const std::filesystem::path& target) {
  auto where = locate();
  if (!where) {
    return io_error(where.error().what);
  }
  if (!*where) {
    return io_error(fmt::format("{}: the test removed it", m_path.string()));
  }
  const auto& now = (*where)->path;
  if (!rename_new((*where)->parent.get(), now.filename(), target)) {
    return io_error(
        fmt::format("cannot move {} to {}: {}", now.string(), target.string(), errno_text(errno)));
  }
  m_fd.reset();
  m_path.clear();
  return Ok{};
}

void remove_stale_dirs(const std::filesystem::path& base, std::string_view prefix) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it{base, ec}, end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) {
      continue;
    }
    const auto rest = std::string_view{name}.substr(prefix.size());
    const auto dash = rest.find('-');
    const auto pid = util::to_number<pid_t>(rest.substr(0, dash));
    if (dash == std::string_view::npos || !pid || *pid <= 0 || ::kill(*pid, 0) == 0 ||
        errno != ESRCH) {
      continue;
    }
    // Held while it is removed, so that no other run decides the same at once.
    Fd dir{::open(it->path().c_str(), dir_open_flags)};
    if (!dir || ::flock(dir.get(), LOCK_EX | LOCK_NB) != 0) {
      continue;
    }
    struct stat st {};
    if (::fstatat(dir.get(), std::string{stamp_name}.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode) && st.st_uid == ::geteuid()) {
      (void)remove_tree(it->path());
    }
  }
}

std::optional<std::string> left_in_place_of(const std::filesystem::path& made_as) {
  struct stat st {};
  if (::lstat(made_as.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return fmt::format("{}: left alone, the test put it there in place of its own directory",
                     made_as.string());
}

} // namespace ginsttest::util
