#include "report/junit.hpp"

#include "report/escape.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ginsttest::report {
namespace {

// The <testsuites> start tag is written first with room to spare, and rewritten in place with
// the totals when the run ends (XML allows spaces before '>').
constexpr std::size_t root_tag_width = 240;

std::string root_tag(std::string_view attributes) {
  std::string tag = fmt::format("<testsuites {}", attributes);
  tag.resize(std::max(tag.size(), root_tag_width - 2), ' ');
  return tag + ">\n";
}

// One <testcase>, with what it needs to say about itself: `child` is a <failure>, <error> or
// <skipped> element, or empty for a pass.
std::string testcase(std::string_view name, std::string_view classname,
                     std::chrono::nanoseconds time, const std::string& child,
                     std::string_view output) {
  std::string out = fmt::format(R"(    <testcase name="{}" classname="{}" time="{}")",
                                xml_text(name), xml_text(classname), seconds_text(time));
  if (child.empty() && output.empty()) {
    return out + "/>\n";
  }
  out += ">\n";
  out += child;
  if (!output.empty()) {
    out += fmt::format("      <system-out>{}</system-out>\n", xml_text(output));
  }
  return out + "    </testcase>\n";
}

std::string element(std::string_view tag, std::string_view type, std::string_view message,
                    std::string_view body = {}) {
  std::string out =
      fmt::format(R"(      <{} type="{}" message="{}")", tag, xml_text(type), xml_text(message));
  if (body.empty()) {
    return out + "/>\n";
  }
  return out + fmt::format(">{}</{}>\n", xml_text(body), tag);
}

std::string property(std::string_view name, std::string_view value) {
  return fmt::format(R"(      <property name="{}" value="{}"/>)"
                     "\n",
                     name, xml_text(value));
}

// The test's <properties>: its outcome and what explains it.
std::string properties_of(const core::TestResult& result) {
  std::string properties = property("outcome", core::name(result.outcome));
  if (!result.reason.empty()) {
    properties += property("reason", result.reason);
  }
  properties += property("runs", std::to_string(result.runs));
  properties += property("failed_runs", std::to_string(result.failed_runs.size()));
  if (result.exit_status) {
    properties += property("exit_status", std::to_string(*result.exit_status));
  }
  if (result.signal) {
    properties += property("signal", core::signal_name(*result.signal));
  }
  // The logs of the earlier failed runs first (-L names them NAME@N.txt), then the last run's.
  for (const auto& run : result.failed_runs) {
    if (run.log_file && run.run != result.runs) {
      properties += property("log", run.log_file->string());
    }
  }
  if (result.log_file) {
    properties += property("log", result.log_file->string());
  }
  for (const auto& note : result.notes) {
    properties += property("note", note);
  }
  if (result.baseline) {
    properties += property("baseline", core::name(result.baseline->comparison));
    if (result.baseline->before) {
      properties += property("baseline_outcome", core::name(*result.baseline->before));
    }
  }
  return properties;
}

// The failed runs of a test that ran more than once (--retry, --repeat), but for the last one,
// which the testcase's own <failure> or <error> stands for, as Maven Surefire writes them and
// Jenkins' flaky-test readers take them: in a FLAKY test, which has no <failure>, one
// <flakyFailure> or <flakyError> per failed run; in a test that failed every run, one
// <rerunFailure> or <rerunError> per earlier run. Each has the run's outcome as its type,
// "run N: reason" as its message, and the end of that run's output as its <system-out>.
std::string earlier_runs(const core::TestResult& result) {
  const bool flaky = result.outcome == core::Outcome::flaky;
  std::string out;
  for (const auto& run : result.failed_runs) {
    if (run.run == result.runs) {
      continue;
    }
    const bool error = run.outcome == core::Outcome::error;
    const std::string_view tag =
        flaky ? (error ? "flakyError" : "flakyFailure") : (error ? "rerunError" : "rerunFailure");
    out += fmt::format(R"(      <{} type="{}" message="{}")", tag, core::label(run.outcome),
                       xml_text(fmt::format("run {}: {}", run.run, run.reason)));
    if (run.output_tail.empty()) {
      out += "/>\n";
    } else {
      out += fmt::format(">\n        <system-out>{}</system-out>\n      </{}>\n",
                         xml_text(run.output_tail), tag);
    }
  }
  return out;
}

} // namespace

std::string junit_classname(std::string_view name) {
  std::string out{name};
  if (out.ends_with(".test")) {
    out.resize(out.size() - 5);
  }
  std::replace(out.begin(), out.end(), '.', '_');
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

util::Expected<std::unique_ptr<Junit>> Junit::open(const std::filesystem::path& path) {
  auto file = open_report_file(path, "--junit");
  if (!file) {
    return util::unexpected(file.error());
  }
  return std::unique_ptr<Junit>(new Junit(std::move(*file)));
}

void Junit::run_started(const RunInfo& /*info*/) {
  m_out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  m_started = std::chrono::steady_clock::now();
  m_root_offset = std::ftell(m_out.file());
  m_out.write(root_tag(R"(name="ginsttest-runner")"));
}

void Junit::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  const std::string classname = junit_classname(spec.name);
  const bool failed = core::is_failure(result.outcome);
  const bool flaky = result.outcome == core::Outcome::flaky;
  const std::string reruns = earlier_runs(result);
  std::string cases;
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  // The output tail and the earlier failed runs go with the first testcase that failed, where
  // CI shows them.
  bool verdict_given = false;
  const auto is_verdict = [&](bool failing) {
    if (!failing || verdict_given) {
      return false;
    }
    verdict_given = true;
    return true;
  };

  // The backtrace is the verdict's text, where CI shows a failure's stack trace.
  const std::string stacks = result.backtrace ? core::to_text(*result.backtrace) : "";

  bool subtest_failed = false;
  for (const auto& subtest : result.subtests) {
    std::string child;
    tests++;
    const bool verdict = is_verdict(subtest.outcome == core::SubtestOutcome::fail && failed);
    switch (subtest.outcome) {
    case core::SubtestOutcome::pass:
    case core::SubtestOutcome::todo_passed:
      break;
    case core::SubtestOutcome::fail:
      child = element("failure", "fail", "test point failed",
                      verdict ? stacks + subtest.diagnostics : subtest.diagnostics);
      failures++;
      subtest_failed = true;
      break;
    case core::SubtestOutcome::skip:
      child = element("skipped", "skip", subtest.reason);
      skipped++;
      break;
    case core::SubtestOutcome::todo:
      child = element("skipped", "todo", "expected failure (TODO): " + subtest.reason);
      skipped++;
      break;
    }
    cases += testcase(subtest.name, classname, subtest.duration, verdict ? child + reruns : child,
                      verdict ? result.output_tail : std::string_view{});
  }
  // The whole test as a testcase: when it has no points, when its failure is not a point's, or
  // when it is FLAKY (its failed runs are the whole test's, its points the last run's).
  if (result.subtests.empty() || (failed && !subtest_failed) || flaky) {
    std::string child;
    const auto label = core::label(result.outcome);
    if (result.outcome == core::Outcome::skip) {
      child = element("skipped", label, result.reason);
      skipped++;
    } else if (result.outcome == core::Outcome::error ||
               result.outcome == core::Outcome::interrupted) {
      child = element("error", label, result.reason, stacks);
      errors++;
    } else if (failed) {
      child = element("failure", label, result.reason, stacks);
      failures++;
    }
    tests++;
    // No test point had the verdict: a failure here is it.
    const bool verdict = is_verdict(failed);
    cases +=
        testcase(spec.name, classname, result.duration, verdict || flaky ? child + reruns : child,
                 verdict ? result.output_tail : std::string_view{});
  }

  const std::string properties = properties_of(result);

  m_cases += tests;
  m_failures += failures;
  m_errors += errors;
  m_out.write(fmt::format(
      R"(  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}")"
      R"( time="{}" timestamp="{}" file="{}">)"
      "\n    <properties>\n{}    </properties>\n{}  </testsuite>\n",
      xml_text(spec.name), tests, failures, errors, skipped, seconds_text(result.duration),
      utc_timestamp(result.started), xml_text(spec.file.string()), properties, cases));
}

void Junit::test_not_run(const core::TestSpec& spec, int signo) {
  m_cases++;
  const std::string reason = "not run: " + core::interruption(signo);
  m_out.write(fmt::format(R"(  <testsuite name="{}" tests="1" failures="0" errors="0" skipped="1">)"
                          "\n{}  </testsuite>\n",
                          xml_text(spec.name),
                          testcase(spec.name, junit_classname(spec.name), {},
                                   element("skipped", "not-run", reason), {})));
}

void Junit::run_finished(const core::RunSummary& summary) {
  m_out.write("</testsuites>\n");
  // The totals, written over the room left in the start tag. A file that cannot seek (a pipe)
  // keeps the tag as it was, which is valid too.
  const std::string name = summary.interrupted_by
                               ? fmt::format("ginsttest-runner (incomplete: {})",
                                             core::interruption(*summary.interrupted_by))
                               : "ginsttest-runner";
  const std::string tag = root_tag(fmt::format(
      R"(name="{}" tests="{}" failures="{}" errors="{}" time="{}")", xml_text(name), m_cases,
      m_failures, m_errors, seconds_text(std::chrono::steady_clock::now() - m_started)));
  if (m_root_offset >= 0 && tag.size() == root_tag_width && !m_out.error() &&
      std::fseek(m_out.file(), m_root_offset, SEEK_SET) == 0) {
    m_out.write(tag);
    std::fseek(m_out.file(), 0, SEEK_END);
  }
}

} // namespace ginsttest::report
