// --junit=FILE: JUnit XML as Jenkins, GitLab and tmt read it. A <testsuite> per installed test,
// written when the test ends; in it a <testcase> per TAP test point, or one for the whole test
// (also when the test failed for a reason no point shows: a timeout, a bad plan, its exit
// status). The testcase with the test's verdict has its backtrace, when it has one, as the text
// of its <failure> or <error>, where CI shows a stack trace. A test that ran more than once
// (--retry, --repeat) has its run counts in its <properties>, and its earlier failed runs in Maven
// Surefire's <flakyFailure> (FLAKY, not a failure) or <rerunFailure> (after the <failure> of a test
// that failed every run) elements. The root <testsuites> gets the run's totals when the run ends; a
// run that is killed keeps every testsuite written so far but not the closing tag.
#pragma once

#include "report/report_file.hpp"
#include "report/reporter.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ginsttest::report {

class Junit final : public Reporter {
public:
  static util::Expected<std::unique_ptr<Junit>> open(const std::filesystem::path& path);

  void run_started(const RunInfo& info) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;
  std::optional<std::string> write_error() const override { return m_out.error(); }

private:
  explicit Junit(ReportOutput out) : m_out(std::move(out)) {}

  ReportOutput m_out;
  long m_root_offset = -1; // where the <testsuites> tag starts, to give it the totals at the end
  std::size_t m_cases = 0;
  std::size_t m_failures = 0;
  std::size_t m_errors = 0;
  std::chrono::steady_clock::time_point m_started;
};

// The classname for the testcases of test `name`: its path without ".test", '.' replaced by '_'
// and '/' by '.', so that Jenkins, which splits classnames at the last dot into package and
// class, shows "gtk-4.0/gtk/label.test" as class "label" of package "gtk-4_0.gtk".
std::string junit_classname(std::string_view name);

} // namespace ginsttest::report
