#include "util/environment.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <unordered_map>

namespace ginsttest::util {

EnvList merge_environment(const EnvList& base,
                          const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::unordered_map<std::string_view, std::size_t> override_index;
  for (std::size_t i = 0; i < overrides.size(); i++) {
    override_index[overrides[i].first] = i; // the last one wins
  }
  EnvList out;
  out.reserve(base.size() + overrides.size());
  for (const auto& entry : base) {
    const auto name = std::string_view{entry}.substr(0, entry.find('='));
    if (!override_index.contains(name)) {
      out.push_back(entry);
    }
  }
  for (std::size_t i = 0; i < overrides.size(); i++) {
    if (override_index[overrides[i].first] == i) {
      out.push_back(overrides[i].first + "=" + overrides[i].second);
    }
  }
  return out;
}

namespace {

// Whether NAME=VALUE `entry` sets `name`.
bool sets(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name);
}

} // namespace

std::string_view lookup(const EnvList& env, std::string_view name) {
  for (const auto& entry : env) {
    if (sets(entry, name)) {
      return std::string_view{entry}.substr(name.size() + 1);
    }
  }
  return {};
}

EnvList without(const EnvList& env, std::string_view name) {
  EnvList out;
  for (const auto& entry : env) {
    if (!sets(entry, name)) {
      out.push_back(entry);
    }
  }
  return out;
}

void set_variable(EnvList& env, std::string_view name, std::string_view value) {
  auto entry = fmt::format("{}={}", name, value);
  for (auto& existing : env) {
    if (sets(existing, name)) {
      existing = std::move(entry);
      return;
    }
  }
  env.push_back(std::move(entry));
}

EnvList current_environment() {
  EnvList out;
  for (char** var = environ; var && *var; var++) {
    out.emplace_back(*var);
  }
  return out;
}

} // namespace ginsttest::util
