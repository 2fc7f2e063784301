#include "scheduler/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <utility>

namespace ginsttest::scheduler {
namespace {

// What a failed run leaves in the test's final result.
core::FailedRun failed_run(unsigned run, const core::TestResult& result) {
  return core::FailedRun{run,
                         result.outcome,
                         result.reason,
                         result.duration,
                         result.output_tail,
                         result.log_file,
                         result.kept_dir};
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
  summary.flaky_fails = m_reruns.repeats > 1;
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

// One run of a plan: the state Scheduler::run works on.
class Scheduler::Pass {
public:
  Pass(Scheduler& scheduler, std::size_t count, const SpecLoader& load)
      : m_s(scheduler), m_count(count), m_load(load), m_summary(scheduler.new_summary(count)) {}

  core::RunSummary run() {
    while (true) {
      fill_slots();
      if (m_running.empty()) {
        break; // nothing running and nothing left to start
      }
      look_ahead();
      auto event = m_s.m_runner.wait();
      if (auto* interrupted = std::get_if<runner::Interrupted>(&event)) {
        stop(interrupted->signo);
        break;
      }
      if (auto* progress = std::get_if<runner::Progress>(&event)) {
        m_s.m_reporter.test_progress(m_running.at(progress->id), progress->points,
                                     progress->planned);
        continue;
      }
      auto& done = std::get<runner::Finished>(event);
      if (run_again(done)) {
        continue;
      }
      auto node = m_running.extract(done.id);
      if (node.mapped().exclusive()) {
        m_exclusive_running = false;
      }
      finish(done.id, node.mapped(), std::move(done.result));
    }
    m_s.m_reporter.run_finished(m_summary);
    return m_summary;
  }

private:
  using Entry = std::pair<std::size_t, core::TestSpec>;

  // The next test of the plan: the one looked ahead at, else the next one loaded now.
  Entry take_next() {
    if (m_upcoming) {
      Entry entry = std::move(*m_upcoming);
      m_upcoming.reset();
      return entry;
    }
    const std::size_t id = m_next++;
    return {id, m_load(id)};
  }
  bool more_in_plan() const { return m_upcoming || m_next < m_count; }

  // Fills the free slots: session tests in plan order, then exclusive ones alone.
  void fill_slots() {
    while (!m_exclusive_running) {
      if (more_in_plan()) {
        if (m_running.size() >= m_s.m_parallel) {
          break;
        }
        auto [id, spec] = take_next();
        if (spec.load_error) {
          // Reported in its turn, taking a slot like any test, so that output stays in order.
          core::TestResult result;
          result.outcome = core::Outcome::error;
          result.reason = *spec.load_error;
          result.started = std::chrono::system_clock::now();
          m_s.m_reporter.test_started(spec);
          finish(id, spec, std::move(result));
        } else if (spec.exclusive()) {
          m_exclusive_queue.emplace_back(id, std::move(spec));
        } else {
          start(id, std::move(spec));
        }
      } else if (!m_exclusive_queue.empty() && m_running.empty()) {
        auto [id, spec] = std::move(m_exclusive_queue.front());
        m_exclusive_queue.pop_front();
        start(id, std::move(spec));
      } else {
        break;
      }
    }
  }

  // With every slot busy, the session test that comes next is loaded now and the runner told,
  // so that it can prepare it while the others run.
  void look_ahead() {
    if (m_upcoming || m_next >= m_count || m_exclusive_running ||
        m_running.size() < m_s.m_parallel) {
      return;
    }
    const std::size_t id = m_next++;
    m_upcoming.emplace(id, m_load(id));
    const core::TestSpec& spec = m_upcoming->second;
    if (!spec.load_error && !spec.exclusive()) {
      m_s.m_runner.prepare(id, spec);
    }
  }

  void start(std::size_t id, core::TestSpec spec) {
    m_exclusive_running = spec.exclusive();
    const auto& placed = m_running.emplace(id, std::move(spec)).first->second;
    m_s.m_reporter.test_started(placed);
    m_s.m_runner.start(id, placed, 1);
  }

  // After a run of a running test: starts the next run in its slot when --retry or --repeat
  // asks for one (a stopped run never), keeping what a failed run leaves; false when it is done.
  bool run_again(runner::Finished& done) {
    if (m_s.m_reruns.retries == 0 && m_s.m_reruns.repeats <= 1) {
      return false; // the usual run: nothing to keep per test
    }
    auto& runs = m_runs[done.id];
    const bool failed = core::is_failed_run(done.result.outcome);
    if (failed) {
      runs.failed.push_back(failed_run(runs.run, done.result));
    }
    const bool again =
        done.result.outcome != core::Outcome::interrupted &&
        (runs.run < m_s.m_reruns.repeats || (failed && runs.run <= m_s.m_reruns.retries));
    if (!again) {
      return false;
    }
    const core::TestSpec& spec = m_running.at(done.id);
    done.result.runs = runs.run;
    m_s.m_reporter.test_rerun(spec, done.result);
    m_s.m_runner.start(done.id, spec, ++runs.run);
    return true;
  }

  // The test's result, with what its earlier runs did, to the summary and the reporters.
  void finish(std::size_t id, const core::TestSpec& spec, core::TestResult result) {
    if (auto node = m_runs.extract(id)) {
      const auto& runs = node.mapped();
      const auto failed = static_cast<unsigned>(runs.failed.size());
      const core::Outcome last = result.outcome;
      result.runs = runs.run;
      result.outcome = core::outcome_of_runs(runs.run, failed, last);
      if (result.outcome == core::Outcome::flaky) {
        result.reason = fmt::format("failed {} of {} runs, first: {}", failed, runs.run,
                                    runs.failed.front().reason);
      } else if (runs.run > 1 && failed == runs.run) {
        result.reason += fmt::format("; every one of {} runs failed", runs.run);
      }
      if (runs.run > 1) {
        result.failed_runs = std::move(node.mapped().failed);
      }
    }
    if (m_s.m_compare) {
      result.baseline = m_s.m_compare(spec, result.outcome);
    }
    m_summary.add(result);
    m_s.m_reporter.test_finished(spec, result);
  }

  // A stop signal: the running tests are ended, and every test of the plan is reported once,
  // those that never started too, in plan order (the exclusive ones waiting and the one looked
  // ahead at were taken from the plan first).
  void stop(int signo) {
    m_summary.interrupted_by = signo;
    const auto killing_now = [&](int again) { m_s.m_reporter.killing_tests(again); };
    for (auto& done : m_s.m_runner.abort(signo, killing_now)) {
      finish(done.id, m_running.at(done.id), std::move(done.result));
      m_running.erase(done.id);
    }
    for (const auto& [id, spec] : m_exclusive_queue) {
      m_s.m_reporter.test_not_run(spec, signo);
    }
    if (m_upcoming) {
      m_s.m_reporter.test_not_run(m_upcoming->second, signo);
    }
    report_not_run(m_s.m_reporter, m_next, m_count, m_load, signo);
  }

  Scheduler& m_s;
  std::size_t m_count;
  const SpecLoader& m_load;
  core::RunSummary m_summary;
  // Specs of the running tests (the runner keeps pointers to them: map nodes do not move), of
  // the exclusive tests put off until the session tests have all started, and of the test
  // looked ahead at.
  std::map<std::size_t, core::TestSpec> m_running;
  std::deque<Entry> m_exclusive_queue;
  std::optional<Entry> m_upcoming;
  std::size_t m_next = 0;
  bool m_exclusive_running = false;
  // The run each running test is at, and its failed runs so far.
  struct Runs {
    unsigned run = 1;
    std::vector<core::FailedRun> failed;
  };
  std::map<std::size_t, Runs> m_runs;
};

core::RunSummary Scheduler::run(std::size_t count_of_tests, const SpecLoader& load) {
  return Pass{*this, count_of_tests, load}.run();
}

} // namespace ginsttest::scheduler
