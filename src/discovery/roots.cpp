#include "discovery/roots.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <system_error>

namespace ginsttest::discovery {

std::vector<std::filesystem::path> data_dirs(const std::vector<std::filesystem::path>& dirs,
                                             std::string_view xdg_data_dirs, bool first_root) {
  std::vector<std::filesystem::path> out;
  if (!dirs.empty()) {
    out = dirs;
  } else {
    const std::string_view value =
        xdg_data_dirs.empty() ? std::string_view{"/usr/local/share:/usr/share"} : xdg_data_dirs;
    for (auto& entry : util::split(value, ':')) {
      if (!entry.empty()) {
        out.emplace_back(entry);
      }
    }
  }
  if (first_root && out.size() > 1) {
    out.resize(1);
  }
  return out;
}

std::vector<std::filesystem::path>
installed_test_roots(const std::vector<std::filesystem::path>& data_dirs) {
  std::vector<std::filesystem::path> roots;
  for (const auto& dir : data_dirs) {
    auto root = (dir / "installed-tests").lexically_normal();
    if (root.filename().empty()) {
      root = root.parent_path();
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      continue;
    }
    if (std::find(roots.begin(), roots.end(), root) == roots.end()) {
      roots.push_back(std::move(root));
    }
  }
  return roots;
}

} // namespace ginsttest::discovery
