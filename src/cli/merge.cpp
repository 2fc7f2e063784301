#include "cli/merge.hpp"

#include "core/outcome.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <unordered_map>
#include <utility>

namespace ginsttest::cli {
namespace {

// The signal that stopped the run of `file`, which did not go to its end: the stop signal it
// names, or SIGINT (the runner's when nothing says otherwise), so that the merged run ends with
// one of an interrupted run's exit statuses.
int stop_signal(const history::ResultsFile& file) {
  const auto named = file.summary ? file.summary->interrupted_by : std::nullopt;
  const sigset_t stops = core::stop_signals();
  return named && sigismember(&stops, *named) == 1 ? *named : SIGINT;
}

} // namespace

util::Expected<MergedRuns> MergedRuns::read(const std::vector<std::filesystem::path>& files) {
  MergedRuns runs;
  // Where each test was first seen: its file (an index into m_files) and line.
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> seen;
  for (const auto& path : files) {
    // Named twice, every test would be a duplicate: say so once.
    for (const auto& earlier : runs.m_files) {
      std::error_code ec;
      if (std::filesystem::equivalent(earlier.path, path, ec)) {
        return util::configuration_error(fmt::format("--merge {}: the same file as --merge {}",
                                                     path.string(), earlier.path.string()));
      }
    }
    auto file = history::read_results_file(path, "--merge");
    if (!file) {
      return util::unexpected(file.error());
    }
    const std::size_t index = runs.m_files.size();
    const auto check = [&](const core::TestSpec& spec, std::size_t line) -> util::Status {
      const auto [it, added] = seen.try_emplace(spec.name, index, line);
      if (added) {
        return util::Ok{};
      }
      const auto& [first_index, first_line] = it->second;
      const auto& first = first_index == index ? *file : runs.m_files[first_index];
      return util::configuration_error(
          fmt::format("--merge: test {} is in {}:{} and in {}:{}: the runs to merge must not "
                      "share a test",
                      spec.name, first.path.string(), first_line, path.string(), line));
    };
    for (const auto& test : file->tests) {
      if (auto status = check(test.spec, test.line); !status) {
        return util::unexpected(status.error());
      }
    }
    for (const auto& not_run : file->not_run) {
      if (auto status = check(not_run.spec, not_run.line); !status) {
        return util::unexpected(status.error());
      }
    }
    runs.m_files.push_back(std::move(*file));
  }
  return runs;
}

std::vector<std::string> MergedRuns::warnings() const {
  std::vector<std::string> lines;
  for (const auto& file : m_files) {
    if (file.complete()) {
      continue;
    }
    const auto not_run = file.not_run.size();
    const std::string why =
        !file.summary ? std::string{"it has no summary record (its run was killed?)"}
                      : fmt::format("its run was {} ({} test{} not run)",
                                    file.summary->interrupted_by
                                        ? core::interruption(*file.summary->interrupted_by)
                                        : std::string{"interrupted"},
                                    not_run, not_run == 1 ? "" : "s");
    lines.push_back(
        fmt::format("--merge {}: {}; the merged run is incomplete", file.path.string(), why));
  }
  return lines;
}

std::optional<int> MergedRuns::interrupted_by() const {
  for (const auto& file : m_files) {
    if (!file.complete()) {
      return stop_signal(file);
    }
  }
  return std::nullopt;
}

std::size_t MergedRuns::total() const {
  std::size_t total = 0;
  for (const auto& file : m_files) {
    total += file.tests.size() + file.not_run.size();
  }
  return total;
}

core::RunSummary MergedRuns::replay(report::Reporter& reporter) const {
  core::RunSummary summary;
  summary.total = total();
  summary.interrupted_by = interrupted_by();
  bool compared = false;
  for (const auto& file : m_files) {
    summary.flaky_fails = summary.flaky_fails || (file.summary && file.summary->flaky_fails);
    compared = compared || (file.summary && file.summary->baseline);
    for (const auto& test : file.tests) {
      compared = compared || test.result.baseline.has_value();
    }
  }
  if (compared) {
    summary.baseline.emplace();
  }

  // In one order, never shuffled: no seed to give.
  reporter.run_started(report::RunInfo{summary.total, 1, std::nullopt});
  for (const auto& file : m_files) {
    for (const auto& test : file.tests) {
      reporter.test_started(test.spec);
      summary.add(test.result);
      reporter.test_finished(test.spec, test.result);
    }
  }
  // As a run reports them: after every test that ran.
  for (const auto& file : m_files) {
    for (const auto& not_run : file.not_run) {
      reporter.test_not_run(not_run.spec, stop_signal(file));
    }
  }
  reporter.run_finished(summary);
  return summary;
}

} // namespace ginsttest::cli
