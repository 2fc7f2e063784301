#include "history/baseline.hpp"

#include "history/results_file.hpp"

#include <fmt/format.h>

namespace ginsttest::history {

util::Expected<Baseline> Baseline::load(const std::filesystem::path& file) {
  Baseline baseline;
  // Only the outcomes are kept, record by record: not the output of every test.
  auto status = read_records(file, "--baseline", [&](Record&& record) {
    if (auto* test = std::get_if<TestRecord>(&record)) {
      baseline.m_outcomes.insert_or_assign(std::move(test->spec.name), test->result.outcome);
    }
  });
  if (!status) {
    return util::unexpected(status.error());
  }
  if (baseline.m_outcomes.empty()) {
    return util::parse_error(fmt::format(
        "--baseline {}: no test results in it (not a --json file of a run?)", file.string()));
  }
  return baseline;
}

std::optional<core::Outcome> Baseline::outcome(std::string_view name) const {
  const auto it = m_outcomes.find(std::string{name});
  if (it == m_outcomes.end()) {
    return std::nullopt;
  }
  return it->second;
}

core::BaselineComparison Baseline::compare(std::string_view name, core::Outcome now) const {
  const auto before = outcome(name);
  return core::BaselineComparison{before, core::compare(before, now)};
}

} // namespace ginsttest::history
