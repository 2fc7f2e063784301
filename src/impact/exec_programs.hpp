// The files a test's Exec line runs, found without running anything: the program, and the
// programs behind the wrappers installed tests use (`env VAR=value prog`, `sh -c '...'`,
// `sh script`), the #! interpreter of a script, and the libraries named by LD_PRELOAD.
#pragma once

#include "core/test_spec.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::impact {

struct ExecFiles {
  // Absolute paths, each once, in the order found: ELF programs, scripts, interpreters and
  // preloaded libraries alike.
  std::vector<std::filesystem::path> files;
  // What could not be followed, each naming the command and why: "foo: not found in PATH".
  std::vector<std::string> problems;
};

// Follows the test's Exec (already split) with its TestEnvironment's PATH and LD_PRELOAD, or
// `path` as $PATH when it sets none.
ExecFiles exec_files(const core::TestSpec& spec, std::string_view path);

// Splits shell command text into its simple commands, each split into words the way
// g_shell_parse_argv does: `a x; b | c && d` gives {a x}, {b}, {c}, {d}. Redirections,
// assignments and keywords stay in the words; text that cannot be split is returned in
// `problems`.
std::vector<std::vector<std::string>> shell_commands(std::string_view text,
                                                     std::vector<std::string>& problems);

} // namespace ginsttest::impact
