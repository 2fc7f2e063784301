// --history: how long each test took and how it ended in the last few runs, kept in one small
// file that concurrent runs share. The run's order (longest first), --failed-first,
// --last-failed and --shard read it; every run adds its results.
//
// The file is text, one line per test after a version line:
//
//   ginsttest-runner history 1
//   NAME<TAB>ROOT<TAB>TYPE<TAB>OUTCOME MS<TAB>OUTCOME MS...
//
// TYPE is "session" or "session-exclusive"; the results come newest first, at most
// History::kept of them; "%", tab, CR and LF in a name or root are written %25, %09, %0D, %0A.
#pragma once

#include "core/outcome.hpp"
#include "core/test_result.hpp"
#include "core/test_spec.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ginsttest::history {

struct RecordedRun {
  core::Outcome outcome = core::Outcome::pass;
  std::chrono::milliseconds duration{};
};

struct Entry {
  core::TestType type = core::TestType::session;
  std::vector<RecordedRun> recent; // newest first
};

class History {
public:
  // Results kept per test.
  static constexpr std::size_t kept = 5;

  // Reads `file`; a missing file is an empty history. An error names the file (and the line):
  // not a regular file, unreadable, not a history file, or a line that cannot be understood.
  static util::Expected<History> load(const std::filesystem::path& file);

  // Adds the result of test `spec` in this run (an INTERRUPTED one says nothing and is
  // dropped); save() writes them.
  void record(const core::TestSpec& spec, const core::TestResult& result);

  // Adds this run's results to the file, as it is now (another run may have written it since
  // load()), keeping each test's last `kept`. Written whole to a new file renamed over the old
  // one, under a lock on FILE.lock held for the read and the write: a reader sees the old file
  // or the new one, and two runs ending together both add their results.
  util::Status save(const std::filesystem::path& file) const;

  // What test `name` of `root` took, on average over its recorded runs; nullopt when unknown.
  std::optional<std::chrono::milliseconds> duration(std::string_view root,
                                                    std::string_view name) const;
  // Whether its last recorded run failed (FAIL, TIMEOUT or ERROR); false when unknown.
  bool failed_last(std::string_view root, std::string_view name) const;
  // Its entry, or nullptr.
  const Entry* find(std::string_view root, std::string_view name) const;

  std::size_t size() const { return m_entries.size(); }

private:
  static std::string key(std::string_view root, std::string_view name);
  // The results of this run added to `entries`.
  void add_to(std::unordered_map<std::string, Entry>& entries) const;

  std::unordered_map<std::string, Entry> m_entries; // by key(root, name)
  std::unordered_map<std::string, Entry> m_new;     // this run's results, one each
};

// The default file: $XDG_STATE_HOME/ginsttest-runner/history, else for root
// /var/lib/ginsttest-runner/history, and for others ~/.local/state/ginsttest-runner/history.
std::filesystem::path default_file();

} // namespace ginsttest::history
