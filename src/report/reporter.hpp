// Reporters receive the run's events and write them somewhere; they never reach back into the
// scheduler. Every method has an empty default so a reporter overrides only what it needs.
#pragma once

#include "core/summary.hpp"
#include "core/test_result.hpp"
#include "core/test_spec.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::report {

struct RunInfo {
  std::size_t total = 0;
  unsigned parallel = 1;
  std::optional<std::uint64_t> seed; // set for a shuffled order (and of the tests without a
                                     // duration, longest first)
  bool longest_first = false;        // ordered by the history's durations
};

class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void run_started(const RunInfo& /*info*/) {}
  virtual void test_started(const core::TestSpec& /*spec*/) {}
  // An Output=TAP test has seen `points` test points (of `planned`, once its plan is known).
  virtual void test_progress(const core::TestSpec& /*spec*/, std::size_t /*points*/,
                             std::optional<std::uint64_t> /*planned*/) {}
  virtual void test_finished(const core::TestSpec& /*spec*/, const core::TestResult& /*result*/) {}
  // A run of the test ended, with `run` (run.runs is its number), and --retry or --repeat runs
  // it again; test_finished() comes after the last run, with the result of them all.
  virtual void test_rerun(const core::TestSpec& /*spec*/, const core::TestResult& /*run*/) {}
  // While the running tests were being stopped, a stop signal (`signo`) came again: they are
  // killed now, without the rest of their grace period.
  virtual void killing_tests(int /*signo*/) {}
  // The run was stopped by signal `signo` before this test could start. Called after the
  // running tests have finished, once for each test of the plan that never ran, in plan order.
  virtual void test_not_run(const core::TestSpec& /*spec*/, int /*signo*/) {}
  virtual void run_finished(const core::RunSummary& /*summary*/) {}
  // Why the report is not whole (it could not be written), after the run.
  virtual std::optional<std::string> write_error() const { return std::nullopt; }
};

// Sends every event to each of several reporters, in the order they were added.
class FanOut final : public Reporter {
public:
  void add(std::unique_ptr<Reporter> reporter) { m_reporters.push_back(std::move(reporter)); }

  void run_started(const RunInfo& info) override {
    for (auto& r : m_reporters) {
      r->run_started(info);
    }
  }
  void test_started(const core::TestSpec& spec) override {
    for (auto& r : m_reporters) {
      r->test_started(spec);
    }
  }
  void test_progress(const core::TestSpec& spec, std::size_t points,
                     std::optional<std::uint64_t> planned) override {
    for (auto& r : m_reporters) {
      r->test_progress(spec, points, planned);
    }
  }
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override {
    for (auto& r : m_reporters) {
      r->test_finished(spec, result);
    }
  }
  void test_rerun(const core::TestSpec& spec, const core::TestResult& run) override {
    for (auto& r : m_reporters) {
      r->test_rerun(spec, run);
    }
  }
  void killing_tests(int signo) override {
    for (auto& r : m_reporters) {
      r->killing_tests(signo);
    }
  }
  void test_not_run(const core::TestSpec& spec, int signo) override {
    for (auto& r : m_reporters) {
      r->test_not_run(spec, signo);
    }
  }
  void run_finished(const core::RunSummary& summary) override {
    for (auto& r : m_reporters) {
      r->run_finished(summary);
    }
  }

  std::vector<std::string> write_errors() const {
    std::vector<std::string> errors;
    for (const auto& r : m_reporters) {
      if (auto error = r->write_error()) {
        errors.push_back(std::move(*error));
      }
    }
    return errors;
  }

private:
  std::vector<std::unique_ptr<Reporter>> m_reporters;
};

} // namespace ginsttest::report
