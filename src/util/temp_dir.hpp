// Per-test temporary directories: made with mkdtemp, stamped, removed without following symlinks.
#pragma once

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::util {

// The empty file that marks a directory as a test's (the installed-tests format promises it
// in the working directory) and, for a run's own directory, as one a later run may remove.
inline constexpr std::string_view stamp_name = ".testtmp";

// Removes `dir` and everything under it. Symlinks are removed, never followed; mounts are
// detached, never crossed; directories the test made unreadable are made readable first. The error
// names the path and the reason.
Status remove_tree(const std::filesystem::path& dir);

// Who a directory and its stamp are given to (the user tests run as).
struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

enum class Stamp { yes, no };

// A directory made by mkdtemp, removed on destruction unless released.
//
// What proves the directory is the one made here is a descriptor of it held from the start,
// not its stamp: the stamp may belong to the test, which can delete or forge it, while the
// inode a descriptor holds cannot be reused. So the directory is removed wherever the test
// moved it, and a directory put in its place is never taken for it.
class TempDir {
public:
  // Makes BASE/PREFIX-XXXXXX (BASE/XXXXXX without a prefix) with mode 0700, holding an empty stamp
  // file unless told not to; with `owner`, both are given to that user.
  static Expected<TempDir> create(const std::filesystem::path& base, std::string_view prefix,
                                  Stamp stamp = Stamp::yes,
                                  const std::optional<Owner>& owner = std::nullopt);

  TempDir() = default;
  TempDir(TempDir&& other) noexcept
      : m_path(std::exchange(other.m_path, {})), m_fd(std::move(other.m_fd)) {}
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  // Where it was made.
  const std::filesystem::path& path() const { return m_path; }
  // The directory itself, open for reading; -1 once removed or released.
  int fd() const { return m_fd.get(); }

  // Removes the directory and everything in it, at the path where it is now. A directory the
  // test removed itself is fine; one that can no longer be found is an error naming it.
  // Afterwards the object holds nothing. With `last_reference`, the directory's descriptor is
  // moved there rather than closed: closing the last reference to a removed directory frees
  // its blocks, which on some file systems waits for the disk (a discard), and the caller may
  // have a better moment for that. Mounts the test left in it are detached, never crossed;
  // each gets a note in `notes`, when given.
  Status remove(Fd* last_reference = nullptr, std::vector<std::string>* notes = nullptr);

  // Moves the directory, from wherever it is now, to `target` (which must not exist, on the
  // same file system). Afterwards the object holds nothing; on failure it still holds it.
  Status move_to(const std::filesystem::path& target);

  // Keeps the directory on disk; the caller now owns it.
  std::filesystem::path release();

  // Marks the directory as a live run's, for as long as this object holds it: an exclusive
  // flock on its descriptor, which remove_stale_dirs tests. The pid in a directory's name is not
  // enough: a runner started inside a test's PID namespace sees none of the outer run's pids.
  Status lock_as_live();

private:
  TempDir(std::filesystem::path path, Fd fd) : m_path(std::move(path)), m_fd(std::move(fd)) {}

  // Where the directory is now: its parent, open, and its name there, checked to be this very
  // directory. Unset when the directory was removed.
  struct Location {
    Fd parent;
    std::filesystem::path path;
  };
  Expected<std::optional<Location>> locate() const;
  std::filesystem::path m_path;
  Fd m_fd;
};

// Removes the directories in `base` that runs killed outright (SIGKILL) left there: named
// PREFIX + PID + "-XXXXXX", no process PID any more, not locked by a live run (lock_as_live),
// and stamped by the runner's own user.
void remove_stale_dirs(const std::filesystem::path& base, std::string_view prefix);

// After a TempDir made as `made_as` was removed or moved: a note naming what the test put in its
// place, which is not the runner's and so was left alone; none when nothing is there.
std::optional<std::string> left_in_place_of(const std::filesystem::path& made_as);

} // namespace ginsttest::util
