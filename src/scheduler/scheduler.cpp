#include "scheduler/scheduler.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

namespace ginsttest::scheduler {
namespace {

void count(core::RunSummary& summary, const core::TestResult& result) {
  summary.user_seconds += result.user_seconds;
  summary.system_seconds += result.system_seconds;
  summary.maxrss_kb = std::max(summary.maxrss_kb, result.maxrss_kb);
  switch (core::group(result.outcome)) {
  case core::Group::passed:
    summary.passed++;
    break;
  case core::Group::skipped:
    summary.skipped++;
    break;
  case core::Group::failed:
    summary.failed++;
    break;
  }
  if (summary.baseline && result.baseline) {
    auto& totals = *summary.baseline;
    switch (result.baseline->comparison) {
    case core::Comparison::regression:
      totals.regressions++;
      break;
    case core::Comparison::known_failure:
      totals.known_failures++;
      break;
    case core::Comparison::fixed:
      totals.fixed++;
      break;
    case core::Comparison::unchanged:
      break;
    }
  }
}

// Reports tests from..count-1 as not run.
void report_not_run(report::Reporter& reporter, std::size_t from, std::size_t count_of_tests,
                    const SpecLoader& load, int signo) {
  for (std::size_t index = from; index < count_of_tests; index++) {
    reporter.test_not_run(load(index), signo);
  }
}

} // namespace

core::RunSummary Scheduler::new_summary(std::size_t count_of_tests) const {
  core::RunSummary summary;
  summary.total = count_of_tests;
  if (m_compare) {
    summary.baseline.emplace();
  }
  return summary;
}

core::RunSummary cancel_run(report::Reporter& reporter, std::size_t count_of_tests,
                            const SpecLoader& load, int signo) {
  core::RunSummary summary;
  summary.total = count_of_tests;
  summary.interrupted_by = signo;
  report_not_run(reporter, 0, count_of_tests, load, signo);
  reporter.run_finished(summary);
  return summary;
}

core::RunSummary Scheduler::run(std::size_t count_of_tests, const SpecLoader& load) {
  core::RunSummary summary = new_summary(count_of_tests);
  // Specs of the running tests (the runner keeps pointers to them: map nodes do not move) and of
  // the exclusive tests put off until the session tests have all started.
  std::map<std::size_t, core::TestSpec> running;
  std::deque<std::pair<std::size_t, core::TestSpec>> exclusive_queue;
  std::size_t next = 0;
  bool exclusive_running = false;

  auto finish = [&](const core::TestSpec& spec, core::TestResult result) {
    if (m_compare) {
      result.baseline = m_compare(spec, result.outcome);
    }
    count(summary, result);
    m_reporter.test_finished(spec, result);
  };
  auto start = [&](std::size_t id, core::TestSpec spec) {
    exclusive_running = spec.exclusive();
    const auto& placed = running.emplace(id, std::move(spec)).first->second;
    m_reporter.test_started(placed);
    m_runner.start(id, placed);
  };

  while (true) {
    // Fill the free slots: session tests in plan order, then exclusive ones alone.
    while (!exclusive_running) {
      if (next < count_of_tests) {
        if (running.size() >= m_parallel) {
          break;
        }
        const std::size_t id = next++;
        core::TestSpec spec = load(id);
        if (spec.load_error) {
          // Reported in its turn, taking a slot like any test, so that output stays in order.
          core::TestResult result;
          result.outcome = core::Outcome::error;
          result.reason = *spec.load_error;
          result.started = std::chrono::system_clock::now();
          m_reporter.test_started(spec);
          finish(spec, std::move(result));
        } else if (spec.exclusive()) {
          exclusive_queue.emplace_back(id, std::move(spec));
        } else {
          start(id, std::move(spec));
        }
      } else if (!exclusive_queue.empty() && running.empty()) {
        auto [id, spec] = std::move(exclusive_queue.front());
        exclusive_queue.pop_front();
        start(id, std::move(spec));
      } else {
        break;
      }
    }
    if (running.empty()) {
      break; // nothing running and nothing left to start
    }

    auto event = m_runner.wait();
    if (auto* interrupted = std::get_if<runner::Interrupted>(&event)) {
      summary.interrupted_by = interrupted->signo;
      for (auto& done : m_runner.abort(interrupted->signo)) {
        finish(running.at(done.id), std::move(done.result));
        running.erase(done.id);
      }
      // Every test of the plan is reported once: those that never started, too. The exclusive
      // ones waiting were taken from the plan earlier, so they come first in plan order.
      for (const auto& [id, spec] : exclusive_queue) {
        m_reporter.test_not_run(spec, interrupted->signo);
      }
      report_not_run(m_reporter, next, count_of_tests, load, interrupted->signo);
      break;
    }
    if (auto* progress = std::get_if<runner::Progress>(&event)) {
      m_reporter.test_progress(running.at(progress->id), progress->points, progress->planned);
      continue;
    }
    auto& done = std::get<runner::Finished>(event);
    auto node = running.extract(done.id);
    if (node.mapped().exclusive()) {
      exclusive_running = false;
    }
    finish(node.mapped(), std::move(done.result));
  }

  m_reporter.run_finished(summary);
  return summary;
}

} // namespace ginsttest::scheduler
