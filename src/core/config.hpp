// Everything the command line decides, in one place.
#pragma once

#include "core/defaults.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ginsttest::core {

enum class StatusMode { automatic, yes, no };
// Longest first when the history knows the tests, else shuffled (automatic); shuffled; by name;
// longest first.
enum class Order { automatic, random, name, longest };
// --shard=K/N: part `index` (1 to `count`) of the selected tests split into `count` parts.
struct Shard {
  unsigned index = 1;
  unsigned count = 1;
};
// For the display and the bus: reuse the host's if the test user can reach it, else start one
// (automatic); only the host's (host); always one of ours (own); none.
enum class FixtureMode { automatic, host, own, none };

struct Config {
  std::vector<std::filesystem::path> data_dirs; // --dir; empty means $XDG_DATA_DIRS
  bool first_root = false;
  bool list = false;
  std::optional<std::filesystem::path> log_directory;
  std::optional<std::filesystem::path> report_directory;
  unsigned parallel = 1; // already resolved: never 0
  StatusMode status = StatusMode::automatic;
  std::chrono::seconds timeout = defaults::timeout;            // 0 means none
  std::chrono::milliseconds kill_grace = defaults::kill_grace; // between SIGTERM and SIGKILL
  bool quiet = false;
  bool tap = false;
  std::optional<std::filesystem::path> json;  // --json=FILE
  std::optional<std::filesystem::path> junit; // --junit=FILE
  // $TMT_TEST_DATA when run as a tmt test (`result: custom`): results.yaml goes there, and
  // each test's log under logs/ unless -L says where.
  std::optional<std::filesystem::path> tmt_data;
  StatusMode journal = StatusMode::automatic; // automatic: when a journal is running
  std::vector<std::string> excludes;          // regular expressions matched against names
  std::vector<std::string> prefixes;          // positional: names must start with one of them
  std::vector<std::string> log_msgids;        // MSGID=MESSAGE
  Order order = Order::automatic;
  std::optional<std::uint64_t> seed;
  unsigned output_lines = defaults::output_lines; // tail of a failed test's output on the console
  // The session (when started as root: the identity tests run as).
  FixtureMode display = FixtureMode::automatic;
  FixtureMode bus = FixtureMode::automatic;
  std::optional<std::string> user;                 // --user; "nobody" when unset
  bool as_root = false;                            // keep root for tests
  StatusMode private_tmp = StatusMode::automatic;  // automatic: when root
  StatusMode private_pids = StatusMode::automatic; // automatic: when root and possible
  bool fresh_exclusive_session = false;            // --exclusive-session=fresh
  // Reverse-dependency testing: only the tests a change affects, those using the changed
  // symbols first, failures told against a baseline run.
  std::vector<std::string> affected_by;          // --affected-by: files, SONAMEs, packages
  std::set<std::string> changed_symbols;         // --changed-symbols, @FILE already read
  bool explain = false;                          // --explain: say why each test is selected
  std::optional<std::filesystem::path> baseline; // --baseline: a --json file of a run
  // Scale: what earlier runs took and how they ended, reruns, shards, merged shard results.
  std::optional<std::filesystem::path> history; // --history, resolved; nullopt: none
  bool history_named = false;                   // by --history, not the default
  bool failed_first = false;                    // --failed-first
  bool last_failed = false;                     // --last-failed
  unsigned slowest = 0;                         // --slowest=N
  unsigned retries = 0;                         // --retry=N: reruns of a failed test
  unsigned repeats = 1;                         // --repeat=N: runs of every test
  std::optional<Shard> shard;                   // --shard=K/N or auto, resolved
  std::vector<std::filesystem::path> merge;     // --merge: --json files to report as one run
  // Diagnosis: stacks of hung tests before they are killed, backtraces from crashed tests' cores.
  StatusMode backtraces = StatusMode::automatic; // yes: also when the run is interrupted
  std::chrono::milliseconds backtrace_timeout = defaults::backtrace_timeout;
  std::uint64_t max_core_size = defaults::max_core_size; // larger cores are not kept
};

} // namespace ginsttest::core
