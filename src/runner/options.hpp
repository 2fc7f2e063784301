// How the real runner runs tests: limits, where directories and output go, and as whom.
#pragma once

#include "core/defaults.hpp"
#include "diagnose/diagnoser.hpp"
#include "process/spawner.hpp"
#include "session/servers.hpp"
#include "util/environment.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace ginsttest::runner {

struct ProcessRunnerOptions {
  std::chrono::seconds timeout = core::defaults::timeout;            // 0: none
  std::chrono::milliseconds kill_grace = core::defaults::kill_grace; // SIGTERM to SIGKILL
  std::optional<std::filesystem::path> log_directory;                // -L: DIR/<squashed name>.txt
  std::optional<std::filesystem::path> report_directory; // failures kept as DIR/<squashed name>/
  std::filesystem::path temp_base;    // where test directories are made otherwise
  std::size_t tail_bytes = 64 * 1024; // output kept in memory per test
  util::EnvList base_env;             // the environment tests inherit
  // Tests run as this user; their directories are made theirs.
  std::optional<process::Credentials> credentials;
  // Each test's directory is also its /tmp (a mount namespace of its own; needs root).
  bool private_tmp = false;
  // When set, each session-exclusive test gets a display and bus of its own from here.
  session::ServerSource* fresh_servers = nullptr;
  // When set, hung tests' stacks are taken before they are stopped and crashed tests' cores
  // read (--backtraces); cores larger than `max_core_size` are not kept.
  diagnose::Diagnoser* diagnoser = nullptr;
  std::uint64_t max_core_size = core::defaults::max_core_size;
};

} // namespace ginsttest::runner
