#include "scheduler/scheduler.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <type_traits>

namespace ginsttest::scheduler {
namespace {

void count(core::RunSummary& summary, const core::TestResult& result) {
  if (result.outcome == core::Outcome::pass || result.outcome == core::Outcome::flaky) {
    summary.passed++;
  } else if (result.outcome == core::Outcome::skip) {
    summary.skipped++;
  } else {
    summary.failed++;
  }
}

void add_child_usage(core::RunSummary& summary) {
  rusage usage{};
  if (::getrusage(RUSAGE_CHILDREN, &usage) == 0) {
    summary.user_seconds = static_cast<double>(usage.ru_utime.tv_sec) +
                           static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
    summary.system_seconds = static_cast<double>(usage.ru_stime.tv_sec) +
                             static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
    summary.maxrss_kb = usage.ru_maxrss;
  }
}

} // namespace

std::vector<std::size_t> start_order(const std::vector<core::TestSpec>& plan) {
  std::vector<std::size_t> order(plan.size());
  for (std::size_t i = 0; i < plan.size(); i++) {
    order[i] = i;
  }
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return !plan[i].exclusive(); });
  return order;
}

core::RunSummary Scheduler::run(const std::vector<core::TestSpec>& plan) {
  core::RunSummary summary;
  summary.total = plan.size();
  const auto order = start_order(plan);
  std::size_t next = 0;
  std::size_t running = 0;
  bool exclusive_running = false;

  auto report_finished = [&](const runner::Finished& done) {
    count(summary, done.result);
    m_reporter.test_finished(plan[done.id], done.result);
  };

  while (next < order.size() || running > 0) {
    // Fill the free slots.
    while (next < order.size() && !exclusive_running) {
      const auto& spec = plan[order[next]];
      if (spec.exclusive() ? running > 0 : running >= m_parallel) {
        break;
      }
      if (spec.load_error) {
        // Reported in its turn, taking a slot like any test, so that output stays in order.
        core::TestResult result;
        result.outcome = core::Outcome::error;
        result.reason = *spec.load_error;
        result.started = std::chrono::system_clock::now();
        m_reporter.test_started(spec);
        report_finished(runner::Finished{order[next], std::move(result)});
        next++;
        continue;
      }
      exclusive_running = spec.exclusive();
      m_reporter.test_started(spec);
      m_runner.start(order[next], spec);
      running++;
      next++;
    }
    if (running == 0) {
      continue;
    }

    auto event = m_runner.wait();
    if (auto* interrupted = std::get_if<runner::Interrupted>(&event)) {
      summary.interrupted_by = interrupted->signo;
      for (auto& done : m_runner.abort(interrupted->signo)) {
        report_finished(done);
      }
      break;
    }
    auto& done = std::get<runner::Finished>(event);
    running--;
    if (plan[done.id].exclusive()) {
      exclusive_running = false;
    }
    report_finished(done);
  }

  add_child_usage(summary);
  m_reporter.run_finished(summary);
  return summary;
}

} // namespace ginsttest::scheduler
