// The installed packages: which one owns a file, and which ones each depends on. Read from
// dpkg's database (its status file and file lists, directly) or asked of rpm, once per run.
#pragma once

#include "util/expected.hpp"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ginsttest::impact {

class PackageIndex {
public:
  // dpkg's database at `dpkg_admin_dir` when it lists installed packages, else rpm's when rpm
  // is in PATH; nullopt when there is neither. An error names the file that cannot be read.
  static util::Expected<std::optional<PackageIndex>>
  open(const std::filesystem::path& dpkg_admin_dir = "/var/lib/dpkg");

  // The installed packages of dpkg `status` text, and their files from `info/*.list` under
  // `admin_dir` when one is given (read on the first owner() or files()).
  static PackageIndex from_dpkg_status(std::string_view status,
                                       std::optional<std::filesystem::path> admin_dir);

  // "dpkg" or "rpm".
  std::string_view manager() const { return m_manager; }

  bool installed(std::string_view package) const;

  // The package that lists the file `path` is or names: with symlinks resolved first (a -dev
  // package's libfoo.so belongs to its library's package), then as given, each also in its
  // other spelling where /bin, /lib... are symlinks into /usr. nullopt when none does.
  std::optional<std::string> owner(const std::filesystem::path& path);

  // The paths `package` lists (directories too), as the package manager has them.
  std::vector<std::filesystem::path> files(std::string_view package);

  // How `from` comes to depend on `to`: the packages from one to the other (both included)
  // along Depends/Pre-Depends (rpm: Requires), alternatives and virtual packages resolved to
  // the installed ones. {from} when they are the same; empty when `to` is not reached.
  std::vector<std::string> dependency_chain(std::string_view from, std::string_view to);

private:
  struct Package {
    // Each group holds the alternatives of one dependency, as named (maybe virtual).
    std::vector<std::vector<std::string>> depends;
  };
  // For each package reached from a start, the package it was reached through.
  using Reach = std::unordered_map<std::string, std::string>;

  static util::Expected<PackageIndex> from_rpm();
  std::vector<std::string> installed_candidates(const std::string& name) const;
  const Reach& reach(const std::string& from);
  void load_file_lists();
  void add_file(std::string_view path, std::uint32_t package);

  std::string m_manager;
  std::unordered_map<std::string, Package> m_packages;
  std::unordered_map<std::string, std::vector<std::string>> m_providers; // virtual -> real
  std::optional<std::filesystem::path> m_admin_dir;                      // dpkg's
  bool m_files_loaded = false;
  std::vector<std::string> m_names; // package ids in the file index
  // The file lists as read (a deque: its strings never move), and an index of their lines.
  std::deque<std::string> m_file_lists;
  std::unordered_map<std::string_view, std::uint32_t> m_owners;
  std::unordered_map<std::string, Reach> m_reach;
};

} // namespace ginsttest::impact
