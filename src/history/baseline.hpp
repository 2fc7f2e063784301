// --baseline=FILE: the outcomes of an earlier run (its --json file), typically the same tests
// against the unchanged package, so that a failure can be told a regression or a known one.
#pragma once

#include "core/outcome.hpp"
#include "core/test_result.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ginsttest::history {

class Baseline {
public:
  // Reads the JSON Lines written by --json (see results_file.hpp): the "test" records give each
  // test's outcome; other records are passed over, and a run that was cut short still counts
  // for the tests it has. An error names the file and the line: those of read_records(), or no
  // test record at all.
  static util::Expected<Baseline> load(const std::filesystem::path& file);

  // The outcome of test `name` in the baseline; nullopt when it does not have it.
  std::optional<core::Outcome> outcome(std::string_view name) const;

  // What `now` is for test `name`, compared with the baseline (see core::compare).
  core::BaselineComparison compare(std::string_view name, core::Outcome now) const;

  std::size_t size() const { return m_outcomes.size(); }

private:
  std::unordered_map<std::string, core::Outcome> m_outcomes;
};

} // namespace ginsttest::history
