// Environment hygiene for tests run under another identity: the runner's environment (root's)
// names places the test user cannot enter: root's home, a root-only pyenv or cargo directory in
// PATH... A program looked up through such a PATH entry fails with EACCES instead of ENOENT, and
// tests that expect "not found" fail. Those entries are removed.
#pragma once

#include "util/environment.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::session {

using util::EnvList;

// The absolute paths that variables of `env` hold, each once: a value that starts with '/' is a
// list of paths separated by ':' (one path for most variables).
std::vector<std::string> paths_in(const EnvList& env);

// `env` without what `denied` says the test user cannot reach: such entries are removed from
// path lists, and a variable left with none of its paths is removed. `removed` gets a short
// description of each change ("PATH: /root/.cargo/bin").
EnvList without_denied_paths(const EnvList& env,
                             const std::function<bool(std::string_view path)>& denied,
                             std::vector<std::string>& removed);

} // namespace ginsttest::session
