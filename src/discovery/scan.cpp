#include "discovery/scan.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <set>
#include <utility>

namespace ginsttest::discovery {
namespace {

struct Walker {
  std::uint32_t root;
  std::vector<TestFile>& found;
  std::vector<std::string>& warnings;
  std::set<std::pair<dev_t, ino_t>> visited; // guards against symlink loops

  void walk(const std::filesystem::path& dir, const std::string& rel) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !visited.emplace(st.st_dev, st.st_ino).second) {
      return;
    }
    util::DirPtr handle{::opendir(dir.c_str())};
    if (!handle) {
      warnings.push_back(fmt::format("{}: {}", dir.string(), util::errno_text(errno)));
      return;
    }
    std::vector<std::pair<std::string, bool>> entries; // name, is_dir
    while (const dirent* entry = ::readdir(handle.get())) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      bool is_dir = entry->d_type == DT_DIR;
      if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
        struct stat target {};
        if (::fstatat(::dirfd(handle.get()), entry->d_name, &target, 0) != 0) {
          continue; // dangling symlink
        }
        is_dir = S_ISDIR(target.st_mode);
      }
      if (is_dir) {
        entries.emplace_back(name, true);
      } else if (name.size() > 5 && name.ends_with(".test")) {
        // Also a FIFO or a device: not skipped in silence, but reported as the test that cannot
        // be read (load_test_file refuses it without blocking).
        entries.emplace_back(name, false);
      }
    }
    handle.reset();
    for (auto& [name, is_dir] : entries) {
      const auto child_rel = rel.empty() ? name : rel + "/" + name;
      if (is_dir) {
        walk(dir / name, child_rel);
      } else {
        found.push_back(TestFile{child_rel, root});
      }
    }
  }
};

} // namespace

Catalog scan(std::vector<std::filesystem::path> roots, std::vector<std::string>& warnings) {
  Catalog catalog;
  catalog.roots = std::move(roots);
  for (std::uint32_t index = 0; index < catalog.roots.size(); index++) {
    Walker walker{index, catalog.files, warnings, {}};
    walker.walk(catalog.roots[index], "");
  }
  // The first root that has a name wins, as with $XDG_DATA_DIRS elsewhere: sort by name, then
  // root, and keep the first of each name.
  std::sort(catalog.files.begin(), catalog.files.end(), [](const TestFile& a, const TestFile& b) {
    return a.name != b.name ? a.name < b.name : a.root < b.root;
  });
  const auto repeats =
      std::unique(catalog.files.begin(), catalog.files.end(),
                  [](const TestFile& a, const TestFile& b) { return a.name == b.name; });
  catalog.files.erase(repeats, catalog.files.end());
  catalog.files.shrink_to_fit();
  return catalog;
}

} // namespace ginsttest::discovery
