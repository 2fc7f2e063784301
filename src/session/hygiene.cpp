#include "session/hygiene.hpp"

#include "util/strings.hpp"

#include <algorithm>

namespace ginsttest::session {
namespace {

// The value of NAME=VALUE when it is a list of absolute paths, else "".
std::string_view path_value(std::string_view var) {
  const auto eq = var.find('=');
  if (eq == std::string_view::npos || eq + 1 >= var.size() || var[eq + 1] != '/') {
    return {};
  }
  return var.substr(eq + 1);
}

} // namespace

std::vector<std::string> paths_in(const EnvList& env) {
  std::vector<std::string> paths;
  for (const auto& var : env) {
    for (auto& entry : util::split(path_value(var), ':')) {
      if (!entry.empty() && entry[0] == '/') {
        paths.push_back(std::move(entry));
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

EnvList without_denied_paths(const EnvList& env,
                             const std::function<bool(std::string_view path)>& denied,
                             std::vector<std::string>& removed) {
  EnvList cleaned;
  for (const auto& var : env) {
    const auto value = path_value(var);
    if (value.empty()) {
      cleaned.push_back(var);
      continue;
    }
    const auto name = std::string_view{var}.substr(0, var.find('='));
    std::string kept;
    bool any_kept = false;
    for (const auto& entry : util::split(value, ':')) {
      if (!entry.empty() && entry[0] == '/' && denied(entry)) {
        removed.push_back(std::string{name} + ": " + entry);
        continue;
      }
      kept += (any_kept ? ":" : "") + entry;
      any_kept = true;
    }
    if (any_kept) {
      cleaned.push_back(std::string{name} + "=" + kept);
    }
  }
  return cleaned;
}

} // namespace ginsttest::session
