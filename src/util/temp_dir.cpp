#include "util/temp_dir.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace ginsttest::util {
namespace {

constexpr int dir_open_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Empties the directory open as `dirfd`; reports the first failure as "path: reason".
Status remove_contents(int dirfd, const std::filesystem::path& where) {
  // A test may have left the directory without write or search permission. (Only then: a
  // needless chmod dirties the inode.)
  struct stat st {};
  if (::fstat(dirfd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) {
    ::fchmod(dirfd, st.st_mode | S_IRWXU);
  }
  DirPtr dir{::fdopendir(::dup(dirfd))};
  if (!dir) {
    return unexpected(fmt::format("{}: {}", where.string(), errno_text(errno)));
  }
  Status first_failure = Ok{};
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    if (::unlinkat(dirfd, entry->d_name, 0) == 0 || errno == ENOENT) {
      continue;
    }
    if (errno != EISDIR && errno != EPERM) {
      if (first_failure) {
        first_failure =
            unexpected(fmt::format("{}: {}", (where / name).string(), errno_text(errno)));
      }
      continue;
    }
    Fd child{::openat(dirfd, entry->d_name, dir_open_flags)};
    if (!child && errno == EACCES) {
      // A directory the test made unreadable (unlinkat said it is a directory, not a symlink,
      // and no process of the test is left to swap it).
      ::fchmodat(dirfd, entry->d_name, S_IRWXU, 0);
      child.reset(::openat(dirfd, entry->d_name, dir_open_flags));
    }
    if (!child) {
      if (first_failure) {
        first_failure =
            unexpected(fmt::format("{}: {}", (where / name).string(), errno_text(errno)));
      }
      continue;
    }
    auto status = remove_contents(child.get(), where / name);
    if (!status && first_failure) {
      first_failure = status;
    }
    if (::unlinkat(dirfd, entry->d_name, AT_REMOVEDIR) != 0 && errno != ENOENT && first_failure) {
      first_failure = unexpected(fmt::format("{}: {}", (where / name).string(), errno_text(errno)));
    }
  }
  return first_failure;
}

// Removes what `fd` (open on `dir`) holds, then `dir` itself.
Status remove_open_tree(int fd, const std::filesystem::path& dir) {
  auto status = remove_contents(fd, dir);
  if (!status) {
    return status;
  }
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    return unexpected(fmt::format("{}: {}", dir.string(), errno_text(errno)));
  }
  return Ok{};
}

} // namespace

Status remove_tree(const std::filesystem::path& dir) {
  Fd fd{::open(dir.c_str(), dir_open_flags)};
  if (!fd) {
    if (errno == ENOENT) {
      return Ok{};
    }
    return unexpected(fmt::format("{}: {}", dir.string(), errno_text(errno)));
  }
  return remove_open_tree(fd.get(), dir);
}

Expected<TempDir> TempDir::create(const std::filesystem::path& base, std::string_view prefix) {
  std::string templ = (base / fmt::format("{}-XXXXXX", prefix)).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return unexpected(fmt::format("cannot create a temporary directory in {}: {}", base.string(),
                                  errno_text(errno)));
  }
  TempDir dir{std::filesystem::path{templ}};
  Fd stamp{
      ::open((dir.m_path / stamp_name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
  if (!stamp) {
    return unexpected(
        fmt::format("{}: cannot create {}: {}", templ, stamp_name, errno_text(errno)));
  }
  return dir;
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    (void)remove();
    m_path = std::exchange(other.m_path, {});
  }
  return *this;
}

TempDir::~TempDir() {
  (void)remove();
}

Status TempDir::remove() {
  if (m_path.empty()) {
    return Ok{};
  }
  const auto path = std::exchange(m_path, {});
  Fd fd{::open(path.c_str(), dir_open_flags)};
  if (!fd && errno == EACCES) {
    // The test made its own directory unreadable: check it is still a directory (not a
    // symlink it put in its place), then give it back its permissions.
    Fd parent{::open(path.parent_path().c_str(), dir_open_flags)};
    struct stat st {};
    const auto name = path.filename();
    if (parent && ::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(st.st_mode)) {
      ::fchmodat(parent.get(), name.c_str(), S_IRWXU, 0);
      fd.reset(::open(path.c_str(), dir_open_flags));
    }
  }
  if (!fd) {
    if (errno == ENOENT) {
      return Ok{}; // the test removed it itself
    }
    return unexpected(fmt::format("{}: {}", path.string(), errno_text(errno)));
  }
  struct stat st {};
  if (::fstatat(fd.get(), std::string{stamp_name}.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode)) {
    return unexpected(
        fmt::format("{}: not removed, its {} stamp is gone", path.string(), stamp_name));
  }
  return remove_open_tree(fd.get(), path);
}

} // namespace ginsttest::util
