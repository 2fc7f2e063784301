// Environments as lists of NAME=VALUE strings, as exec takes them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ginsttest::util {

using EnvList = std::vector<std::string>; // NAME=VALUE

// `base` (the runner's own environment) with each of `overrides` set, replacing any earlier
// value of the same name; later overrides win over earlier ones.
EnvList merge_environment(const EnvList& base,
                          const std::vector<std::pair<std::string, std::string>>& overrides);

// The value of NAME in `env`, or "" when unset.
std::string_view lookup(const EnvList& env, std::string_view name);

// `env` without NAME.
EnvList without(const EnvList& env, std::string_view name);

// Sets NAME in `env`, in place: its entry replaced, or added at the end.
void set_variable(EnvList& env, std::string_view name, std::string_view value);

// The runner's own environment (environ), copied.
EnvList current_environment();

} // namespace ginsttest::util
