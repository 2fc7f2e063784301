// A test's directories (DESIGN.md section 3): its working directory, which is also its TMPDIR,
// fresh and holding nothing but the `.testtmp` stamp, all of it the test user's; and, with a
// private /tmp, the directory mounted on /tmp in the test's mount namespace, root's, which
// holds the working directory and the mount points of what the test still sees of the host's
// /tmp.
//
// A run's private /tmp directories are made in one parent directory of the run's (see
// make_private_tmp_parent), outside the host's /tmp where it can be, and the test is given its
// working directory by that path when it can reach it there: the path names the same
// directory in the host's mount namespace, so that services the session bus starts for the
// test (outside its namespace) can use the files it names under its TMPDIR.
#pragma once

#include "util/expected.hpp"
#include "util/temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::runner {

struct TestDirOptions {
  // Where the directory is made: with a private /tmp, the run's parent of them.
  std::filesystem::path base;
  std::string prefix; // its name before "-XXXXXX", without a private /tmp
  // The user the test runs as: the working directory and its stamp are theirs.
  std::optional<util::Owner> owner;
  bool private_tmp = false;
  // With a private /tmp: the entries of the host's /tmp the test keeps (see shared_tmp.hpp).
  // Those that exist get a mount point (or, for a symlink, a copy of it).
  std::vector<std::string> shared_tmp_entries;
  // With a private /tmp: the test is given its working directory by its path in `base` (see
  // PrivateTmpParent), else by its path in its /tmp.
  bool host_path = false;
  // With a private /tmp, where its private /var/tmp is made (on the host's /var/tmp, so that
  // it has what that file system offers, extended attributes for one), and the entries of the
  // host's /var/tmp it keeps. Unset: /var/tmp stays the host's.
  std::optional<std::filesystem::path> var_tmp_base;
  std::vector<std::string> shared_var_tmp_entries;
};

// Where the parent of a run's private /tmp directories may go, in order, given where test
// directories go otherwise: there unless that is in the host's /tmp (hidden from tests by
// their private one), /var/tmp, and then /tmp.
std::vector<std::filesystem::path> private_tmp_bases(const std::filesystem::path& temp_base);

// The parent of a run's private /tmp directories: root's, mode 0711 (tests pass through it to
// their own /tmp, but cannot list it to find another's), stamped and named after the runner's
// pid, so that a later run removes it if this one is killed outright.
struct PrivateTmpParent {
  util::TempDir dir;
  // Whether the tests' working directories can be given to them by their paths in `dir`: it
  // lies outside the host's /tmp, and `owner` (the test user, if any) may pass through every
  // directory above it.
  bool host_paths = false;
};

// Makes the parent in the first of `bases` where it can.
util::Expected<PrivateTmpParent>
make_private_tmp_parent(const std::vector<std::filesystem::path>& bases,
                        const std::optional<util::Owner>& owner);

// A directory of root's that the test's mount namespace has on a place of the host's (/tmp,
// /var/tmp), with mount points for the entries of that place it keeps.
struct PrivatePlace {
  util::TempDir dir;
  std::vector<std::string> bound; // mount points made for the shared entries
  std::vector<std::string> made;  // every entry made for them: `bound` and symlinks

  // Makes it in `base`, closed (0700) until open_up(), with a place for each of `entries` of
  // the host's `host`.
  static util::Expected<PrivatePlace> create(const std::filesystem::path& base,
                                             const std::filesystem::path& host,
                                             const std::vector<std::string>& entries);
  // Opens it up as a /tmp is: mode 1777.
  util::Status open_up();
  // Takes out what was made for the shared entries, once the test has ended: what is kept or
  // removed afterwards is the test's own. In the runner's namespace they are plain entries;
  // unlinking one detaches what the test's namespace, while its monitor exits, still has
  // mounted on it.
  void remove_mount_points();
  // Moves what the test left in it (if anything) to `target`, else removes it; a note says
  // what could not be kept of the test's `host`.
  void keep_as(const std::filesystem::path& target, std::string_view host,
               std::vector<std::string>& notes);
};

class TestDir {
public:
  static util::Expected<TestDir> create(const TestDirOptions& options);

  // The directory made in the base directory (the private /tmp, or the working directory):
  // its name is unique there.
  const std::filesystem::path& made_in_base() const;
  // The working directory (and TMPDIR), as the test sees it.
  const std::filesystem::path& work_dir() const { return m_work_dir; }
  // ... and as the runner reaches it (the same path but with a private /tmp that the runner
  // cannot see through the test's eyes).
  const std::filesystem::path& host_work_dir() const { return m_work.path(); }
  // With a private /tmp: the directories to mount on /tmp and /var/tmp, and the entries of the
  // host's to bind in each. Empty without.
  std::filesystem::path private_tmp() const;
  const std::vector<std::string>& bound_entries() const { return m_tmp ? m_tmp->bound : m_none; }
  std::filesystem::path private_var_tmp() const;
  const std::vector<std::string>& bound_var_entries() const {
    return m_var_tmp ? m_var_tmp->bound : m_none;
  }

  // Removes everything, wherever the test moved its working directory. Returns notes on what
  // was left behind and why. The descriptors of the removed directories go to
  // `last_references`, when given, to be closed later (see util::TempDir::remove).
  std::vector<std::string> remove(std::vector<util::Fd>* last_references = nullptr);

  // Keeps a failed test's directories: its working directory, from wherever the test moved it,
  // becomes `target` (which must not exist), and what else it left in its private /tmp and
  // /var/tmp goes to `target`/private-tmp and `target`/private-var-tmp. When the working
  // directory cannot be moved there (the test removed it, or it lies on another file system),
  // `target` is made empty; everything else is removed. Returns notes on what could not be
  // kept, or was left alone.
  std::vector<std::string> keep_as(const std::filesystem::path& target);

private:
  TestDir() = default;
  void remove_mount_points();

  // Declared before the working directory, which may lie in the private /tmp: destroyed after.
  std::optional<PrivatePlace> m_tmp;
  std::optional<PrivatePlace> m_var_tmp;
  util::TempDir m_work;
  std::filesystem::path m_work_dir;
  std::vector<std::string> m_none;
};

} // namespace ginsttest::runner
