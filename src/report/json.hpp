// --json=FILE: JSON Lines, one object per installed test written as each one finishes, then
// one summary object. A run that is killed keeps every line written so far; an interrupted run
// ends with a summary whose "complete" is false. The format is in ginsttest-runner(1).
#pragma once

#include "report/report_file.hpp"
#include "report/reporter.hpp"
#include "util/expected.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace ginsttest::report {

class Json final : public Reporter {
public:
  // Creates (or truncates) `path`; the error names it.
  static util::Expected<std::unique_ptr<Json>> open(const std::filesystem::path& path);

  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;
  std::optional<std::string> write_error() const override { return m_out.error(); }

private:
  explicit Json(ReportOutput out) : m_out(std::move(out)) {}
  void write_line(const std::string& line);
  ReportOutput m_out;
};

} // namespace ginsttest::report
