// Which installed tests a change affects (--affected-by), and which of them use the symbols it
// changed (--changed-symbols), with the reason told in one line. A test is affected when
//   - one of the files its Exec runs (the program, wrapped programs, scripts, interpreters,
//     LD_PRELOAD libraries) is changed, or is an ELF object that loads a changed library;
//   - the package that owns its .test file depends, directly or not, on a changed package;
//   - its Exec cannot be followed (a missing program): it is run rather than dropped unseen.
#pragma once

#include "core/test_spec.hpp"
#include "impact/loader.hpp"
#include "impact/packages.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ginsttest::impact {

struct ImpactOptions {
  // Each a path of an installed file, a SONAME or an installed package's name; the change is
  // the union. Empty: every test is affected (only the symbols order them).
  std::vector<std::string> affected_by;
  std::set<std::string> changed_symbols;
  std::string path;                                   // $PATH, to find programs named bare
  std::vector<std::filesystem::path> ld_library_path; // the tests' LD_LIBRARY_PATH
  std::filesystem::path dpkg_admin_dir = "/var/lib/dpkg";
};

struct Impact {
  bool affected = false;
  bool uses_changed_symbols = false;
  // Why, in one line: "links libsoup-3.0.so.0 via /usr/libexec/...; package libsoup-3.0-tests
  // depends on libsoup-3.0-0; uses soup_session_send". Empty when nothing was asked.
  std::string why;
};

class Analyzer {
public:
  // Finds what each of options.affected_by names. An error (for exit status 1) names one that
  // is no file, no SONAME the loader would find and no installed package.
  static util::Expected<std::unique_ptr<Analyzer>> create(ImpactOptions options);

  Impact analyse(const core::TestSpec& spec);

  // The package manager consulted ("dpkg", "rpm"), or nullopt when there is none.
  std::optional<std::string> package_manager() const;

private:
  struct Reasons;
  explicit Analyzer(ImpactOptions options) : m_options(std::move(options)) {}
  util::Status add_target(const std::string& what);
  std::optional<std::string> package_named(const std::string& what) const;
  void add_target_file(const std::filesystem::path& file, const std::string& label);
  void follow_files(const core::TestSpec& spec, Reasons& reasons);
  void follow_package(const core::TestSpec& spec, Reasons& reasons);

  ImpactOptions m_options;
  std::unique_ptr<Loader> m_loader;
  std::optional<PackageIndex> m_packages;
  // Changed files by canonical path, with how the user named them.
  std::unordered_map<std::string, std::string> m_target_files;
  std::vector<std::string> m_target_packages;
};

} // namespace ginsttest::impact
