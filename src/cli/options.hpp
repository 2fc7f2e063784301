// The command line: gdtr's options with their meaning kept, plus ours.
#pragma once

#include "core/config.hpp"
#include "util/expected.hpp"

namespace ginsttest::cli {

struct CommandLine {
  core::Config config;
  bool version = false;
};

// Parses argv (gdtr-compatible: -d/--dir, --first-root, -l/--list, -L/--log-directory,
// --report-directory, -p/--parallel[=N], --status, -t/--timeout, --quiet, --tap, --log-msgid,
// positional prefixes; ours: -x/--exclude, --seed, --order, --kill-grace, --output-lines,
// --version). --help prints the usage and exits 0. Errors name the option and the reason.
util::Expected<CommandLine> parse_command_line(int argc, char** argv);

} // namespace ginsttest::cli
