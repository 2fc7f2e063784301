// tmt results: when the runner is a tmt test with `result: custom` (tmt sets $TMT_TEST_DATA),
// $TMT_TEST_DATA/results.yaml lists one result per installed test ("/glib/timer") with its logs
// (its output, and its backtrace when it has one), its TAP test points as subresults, and "/" for
// the run itself, as tmt's results schema asks. Entries are appended as tests end, so the file is a
// valid list at every moment after the first.
#pragma once

#include "report/report_file.hpp"
#include "report/reporter.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::report {

class Tmt final : public Reporter {
public:
  // `data_dir` is $TMT_TEST_DATA: results.yaml is written there, and log paths are given
  // relative to it.
  static util::Expected<std::unique_ptr<Tmt>> open(const std::filesystem::path& data_dir);

  void run_started(const RunInfo& info) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;
  std::optional<std::string> write_error() const override { return m_out.error(); }

private:
  // Writes the test's backtrace, whole, to a file beside its log, named after the test and its
  // run as the log is ("glib_timer.test.backtrace.txt"); gives its path, or nullopt when the
  // test has none or it could not be written (`notes` then says why).
  std::optional<std::filesystem::path> write_backtrace(const core::TestSpec& spec,
                                                       const core::TestResult& result,
                                                       std::vector<std::string>& notes) const;
  // The logs listed in a test's entry (see tmt.cpp), `backtrace` (a written backtrace) last;
  // why one is left out goes to `notes`.
  std::vector<std::string> listed_logs(const core::TestResult& result,
                                       const std::optional<std::filesystem::path>& backtrace,
                                       std::vector<std::string>& notes) const;
  Tmt(ReportOutput out, std::filesystem::path data_dir)
      : m_out(std::move(out)), m_data_dir(std::move(data_dir)) {}

  ReportOutput m_out;
  std::filesystem::path m_data_dir; // absolute
  std::chrono::system_clock::time_point m_started;
};

// "/glib/timer" for "glib/timer.test": tmt's names start with '/'.
std::string tmt_name(std::string_view name);

// tmt's duration: "hh:mm:ss", the hours growing past 99 if need be.
std::string tmt_duration(std::chrono::nanoseconds duration);

} // namespace ginsttest::report
