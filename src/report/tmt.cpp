#include "report/tmt.hpp"

#include "core/file_name.hpp"
#include "report/escape.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

namespace ginsttest::report {
namespace {

// tmt's outcomes are pass, fail, skip, error, info, warn and pending. A test that could not run
// to its end (a timeout, a bad file, an interruption) is an error, as tmt itself reports its
// own timeouts. A FLAKY test passed in the end but not every time: "info", tmt's soft pass,
// which automation counts as passed (as the runner's exit status does with --retry) while tmt
// shows it apart from the clean passes. With --repeat, where FLAKY fails the run, the run's own
// entry "/" fails.
std::string_view tmt_result(core::Outcome outcome) {
  switch (outcome) {
  case core::Outcome::pass:
    return "pass";
  case core::Outcome::flaky:
    return "info";
  case core::Outcome::fail:
    return "fail";
  case core::Outcome::skip:
    return "skip";
  case core::Outcome::timeout:
  case core::Outcome::error:
  case core::Outcome::interrupted:
    return "error";
  }
  return "error";
}

// A TODO point failing is expected and one passing is news, neither is a verdict: tmt's "info".
std::string_view tmt_result(core::SubtestOutcome outcome) {
  switch (outcome) {
  case core::SubtestOutcome::pass:
    return "pass";
  case core::SubtestOutcome::fail:
    return "fail";
  case core::SubtestOutcome::skip:
    return "skip";
  case core::SubtestOutcome::todo:
  case core::SubtestOutcome::todo_passed:
    return "info";
  }
  return "fail";
}

std::string list(std::string_view indent, const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += fmt::format("{}  - {}\n", indent, yaml_string(item));
  }
  return out;
}

// The notes of a test's entry: its outcome and reason, what the baseline makes of it, its runs
// (--retry, --repeat), then the result's own notes.
std::vector<std::string> result_notes(const core::TestResult& result, core::Comparison comparison) {
  std::vector<std::string> notes;
  if (result.outcome != core::Outcome::pass) {
    notes.push_back(result.reason.empty()
                        ? std::string{core::label(result.outcome)}
                        : fmt::format("{}: {}", core::label(result.outcome), result.reason));
  }
  if (comparison == core::Comparison::known_failure) {
    notes.push_back(fmt::format("known failure: {} in the baseline too",
                                core::label(*result.baseline->before)));
  } else if (comparison != core::Comparison::unchanged) {
    notes.push_back(std::string{core::name(comparison)});
  }
  if (result.runs > 1) {
    notes.push_back(fmt::format("runs={}; failed_runs={}", result.runs, result.failed_runs.size()));
    for (const auto& run : result.failed_runs) {
      notes.push_back(fmt::format("run {}: {}: {}", run.run, core::label(run.outcome), run.reason));
    }
  }
  notes.insert(notes.end(), result.notes.begin(), result.notes.end());
  return notes;
}

// The "subresult:" list of a test's TAP points, or "" when it has none.
std::string subresults(const core::TestResult& result) {
  if (result.subtests.empty()) {
    return {};
  }
  std::string entry = "  subresult:\n";
  for (const auto& subtest : result.subtests) {
    entry += fmt::format("    - name: {}\n      result: {}\n      duration: \"{}\"\n",
                         yaml_string(subtest.name), tmt_result(subtest.outcome),
                         tmt_duration(subtest.duration));
    std::vector<std::string> subtest_notes;
    if (subtest.outcome == core::SubtestOutcome::todo) {
      subtest_notes.push_back("expected failure (TODO)");
    } else if (subtest.outcome == core::SubtestOutcome::todo_passed) {
      subtest_notes.push_back("passed, though marked TODO");
    }
    if (!subtest.reason.empty()) {
      subtest_notes.push_back(subtest.reason);
    }
    if (!subtest_notes.empty()) {
      entry += "      note:\n" + list("      ", subtest_notes);
    }
  }
  return entry;
}

} // namespace

std::string tmt_name(std::string_view name) {
  std::string out = "/";
  out += name;
  if (out.ends_with(".test")) {
    out.resize(out.size() - 5);
  }
  return out;
}

std::string tmt_duration(std::chrono::nanoseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

util::Expected<std::unique_ptr<Tmt>> Tmt::open(const std::filesystem::path& data_dir) {
  auto file = open_report_file(data_dir / "results.yaml", "TMT_TEST_DATA results");
  if (!file) {
    return util::unexpected(file.error());
  }
  // Made absolute once: log paths are given relative to it.
  std::error_code ec;
  return std::unique_ptr<Tmt>(new Tmt(std::move(*file), std::filesystem::absolute(data_dir, ec)));
}

void Tmt::run_started(const RunInfo& /*info*/) {
  m_started = std::chrono::system_clock::now();
}

// The logs of a test's entry, relative to the data directory: only those that exist (a test
// whose file could not be read never wrote one), and whose path YAML can spell (a name that is
// not UTF-8 cannot be; `notes` says so). In run order: the failed runs' before the last run's,
// so that tmt's main log, the first, shows a FLAKY test's first failure; then the backtrace.
std::vector<std::string> Tmt::listed_logs(const core::TestResult& result,
                                          const std::optional<std::filesystem::path>& backtrace,
                                          std::vector<std::string>& notes) const {
  std::vector<std::string> logs;
  const auto add_log = [&](const std::filesystem::path& log) {
    std::error_code ec;
    if (!std::filesystem::exists(log, ec)) {
      return;
    }
    const auto relative = std::filesystem::absolute(log, ec).lexically_relative(m_data_dir);
    if (is_utf8(relative.string())) {
      logs.push_back(relative.string());
    } else {
      notes.push_back(fmt::format("log not listed, its file name is not UTF-8: {}", log.string()));
    }
  };
  for (const auto& run : result.failed_runs) {
    if (run.log_file && run.run != result.runs) {
      add_log(*run.log_file);
    }
  }
  if (result.log_file) {
    add_log(*result.log_file);
  }
  if (backtrace) {
    add_log(*backtrace);
  }
  return logs;
}

std::optional<std::filesystem::path> Tmt::write_backtrace(const core::TestSpec& spec,
                                                          const core::TestResult& result,
                                                          std::vector<std::string>& notes) const {
  if (!result.backtrace) {
    return std::nullopt;
  }
  // Named as the log is (runner/job.cpp), with a suffix no log name ends in: it cannot be
  // another test's, or another run's, file. A test without a log (merged from another run's
  // file) has it in the logs directory tmt's runs use.
  constexpr std::string_view suffix = ".backtrace.txt";
  const auto dir = result.log_file ? result.log_file->parent_path() : m_data_dir / "logs";
  const auto path =
      dir / core::test_run_file_name(spec.name, result.runs, core::max_file_name - suffix.size())
                .append(suffix);
  auto file = util::create_fresh_file(path, 0644);
  if (!file) {
    notes.push_back("backtrace not written: " + file.error().what);
    return std::nullopt;
  }
  if (!file->replaced.empty()) {
    notes.push_back(
        fmt::format("{}: removed {} found in its place", path.string(), file->replaced));
  }
  if (!util::write_all(file->fd.get(), core::to_text(*result.backtrace, core::whole_text))) {
    notes.push_back(
        fmt::format("backtrace not written: {}: {}", path.string(), util::errno_text(errno)));
    return std::nullopt;
  }
  return path;
}

void Tmt::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  // With a baseline, a failure that was there before the change warns instead of failing.
  const auto comparison =
      result.baseline ? result.baseline->comparison : core::Comparison::unchanged;
  std::string entry = fmt::format(
      "- name: {}\n  result: {}\n", yaml_string(tmt_name(spec.name)),
      comparison == core::Comparison::known_failure ? "warn" : tmt_result(result.outcome));
  std::vector<std::string> notes = result_notes(result, comparison);
  entry +=
      fmt::format("  start-time: \"{}\"\n  end-time: \"{}\"\n  duration: \"{}\"\n",
                  utc_timestamp(result.started),
                  utc_timestamp(result.started +
                                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                    result.duration)),
                  tmt_duration(result.duration));
  const auto backtrace = write_backtrace(spec, result, notes);
  const auto logs = listed_logs(result, backtrace, notes);
  if (!logs.empty()) {
    entry += "  log:\n" + list("  ", logs);
  }
  if (!notes.empty()) {
    entry += "  note:\n" + list("  ", notes);
  }
  entry += subresults(result);
  m_out.write(entry);
}

void Tmt::test_not_run(const core::TestSpec& spec, int signo) {
  m_out.write(fmt::format("- name: {}\n  result: pending\n  note:\n{}",
                          yaml_string(tmt_name(spec.name)),
                          list("  ", {"not run: " + core::interruption(signo)})));
}

void Tmt::run_finished(const core::RunSummary& summary) {
  // With a baseline, known failures alone make the run a warning, as they make their tests.
  const auto result = summary.interrupted_by   ? "error"
                      : summary.tests_failed() ? "fail"
                      : summary.failed > 0     ? (summary.baseline ? "warn" : "fail")
                                               : "pass";
  std::vector<std::string> notes{fmt::format("total={}; passed={}; skipped={}; failed={}",
                                             summary.total, summary.passed, summary.skipped,
                                             summary.failed)};
  if (summary.flaky > 0) {
    notes.push_back(summary.flaky_fails
                        ? fmt::format("flaky={} (of the passed; with --repeat they fail the run)",
                                      summary.flaky)
                        : fmt::format("flaky={} (of the passed)", summary.flaky));
  }
  if (const auto& baseline = summary.baseline) {
    notes.push_back(fmt::format("regressions={}; known={}; fixed={}", baseline->regressions,
                                baseline->known_failures, baseline->fixed));
  }
  if (summary.interrupted_by) {
    notes.push_back("incomplete: " + core::interruption(*summary.interrupted_by));
  }
  const auto now = std::chrono::system_clock::now();
  m_out.write(fmt::format("- name: /\n  result: {}\n  note:\n{}  start-time: \"{}\"\n"
                          "  end-time: \"{}\"\n  duration: \"{}\"\n",
                          result, list("  ", notes), utc_timestamp(m_started), utc_timestamp(now),
                          tmt_duration(now - m_started)));
}

} // namespace ginsttest::report
