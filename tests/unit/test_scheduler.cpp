#include "scheduler/scheduler.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <deque>
#include <map>
#include <string>

using namespace ginsttest;

namespace {

// Finishes tests in the order they were started (first in, first out) with a scripted outcome,
// and records how many ran at once.
class FakeRunner final : public runner::Runner {
public:
  std::map<std::string, core::Outcome> outcomes; // by name; default PASS
  // By name, the outcome of each run in turn (--retry, --repeat); past its end, `outcomes`.
  std::map<std::string, std::vector<core::Outcome>> runs;
  std::optional<std::size_t> interrupt_after; // deliver SIGINT after this many finishes
  int interrupted_again = 0;                  // a signal that comes while aborting
  std::vector<std::string> started;
  std::vector<std::string> prepared;                // the look-ahead hints, in order
  std::vector<std::vector<std::string>> concurrent; // the running set at each start
  std::size_t max_running = 0;
  bool aborted = false;

  void prepare(std::size_t /*id*/, const core::TestSpec& spec) override {
    prepared.push_back(spec.name);
  }

  void start(std::size_t id, const core::TestSpec& spec, unsigned run) override {
    m_running.push_back({id, &spec});
    m_run[id] = run;
    started.push_back(run == 1 ? spec.name : fmt::format("{}@{}", spec.name, run));
    std::vector<std::string> now;
    for (auto& [i, s] : m_running) {
      now.push_back(s->name);
    }
    concurrent.push_back(now);
    max_running = std::max(max_running, m_running.size());
  }

  runner::Event wait() override {
    REQUIRE_FALSE(m_running.empty());
    if (interrupt_after && m_finished == *interrupt_after) {
      return runner::Interrupted{SIGINT};
    }
    auto [id, spec] = m_running.front();
    m_running.pop_front();
    m_finished++;
    core::TestResult result;
    const auto it = outcomes.find(spec->name);
    result.outcome = it == outcomes.end() ? core::Outcome::pass : it->second;
    if (const auto script = runs.find(spec->name);
        script != runs.end() && m_run[id] <= script->second.size()) {
      result.outcome = script->second[m_run[id] - 1];
      result.reason = fmt::format("run {}", m_run[id]);
    }
    result.user_seconds = 1.5;
    result.system_seconds = 0.25;
    result.maxrss_kb = static_cast<long>(1000 + id);
    return runner::Finished{id, result};
  }

  std::vector<runner::Finished> abort(int /*signo*/, const KillingNow& killing_now) override {
    aborted = true;
    if (interrupted_again != 0) {
      killing_now(interrupted_again);
    }
    std::vector<runner::Finished> out;
    for (auto& [id, spec] : m_running) {
      core::TestResult result;
      result.outcome = core::Outcome::interrupted;
      out.push_back({id, result});
    }
    m_running.clear();
    return out;
  }

private:
  std::deque<std::pair<std::size_t, const core::TestSpec*>> m_running;
  std::map<std::size_t, unsigned> m_run; // the run each test is at
  std::size_t m_finished = 0;
};

class RecordingReporter final : public report::Reporter {
public:
  std::vector<std::string> events;
  void test_started(const core::TestSpec& spec) override { events.push_back("start " + spec.name); }
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override {
    events.push_back(std::string{core::label(result.outcome)} + " " + spec.name);
  }
  void test_not_run(const core::TestSpec& spec, int signo) override {
    events.push_back("not run " + spec.name + " " + core::signal_name(signo));
  }
  void killing_tests(int signo) override {
    events.push_back("killing " + core::signal_name(signo));
  }
  void run_finished(const core::RunSummary&) override { events.push_back("done"); }
};

// Runs `plan` through the scheduler, loading each spec from it when asked.
core::RunSummary run(FakeRunner& fake, report::Reporter& reporter, unsigned parallel,
                     const std::vector<core::TestSpec>& plan,
                     std::vector<std::size_t>* loads = nullptr) {
  return scheduler::Scheduler{fake, reporter, parallel}.run(plan.size(), [&](std::size_t i) {
    if (loads) {
      loads->push_back(i);
    }
    return plan[i];
  });
}

core::TestSpec spec(std::string name, bool exclusive = false) {
  core::TestSpec s;
  s.name = std::move(name);
  s.argv = {"/bin/true"};
  s.type = exclusive ? core::TestType::session_exclusive : core::TestType::session;
  return s;
}

} // namespace

TEST_CASE("never more than N tests at once, and every slot used") {
  std::vector<core::TestSpec> plan;
  for (int i = 0; i < 10; i++) {
    plan.push_back(spec("t" + std::to_string(i)));
  }
  FakeRunner fake;
  RecordingReporter reporter;
  const auto summary = run(fake, reporter, 3, plan);
  CHECK(fake.max_running == 3);
  CHECK(fake.started.size() == 10);
  CHECK(summary.total == 10);
  CHECK(summary.passed == 10);
  CHECK(summary.complete());
  CHECK(reporter.events.back() == "done");
}

TEST_CASE("a session-exclusive test runs with nothing else running") {
  std::vector<core::TestSpec> plan{spec("a"), spec("x1", true), spec("b"),
                                   spec("c"), spec("x2", true), spec("d")};
  FakeRunner fake;
  RecordingReporter reporter;
  run(fake, reporter, 4, plan);
  REQUIRE(fake.started.size() == 6);
  for (const auto& set : fake.concurrent) {
    const bool has_exclusive =
        std::any_of(set.begin(), set.end(), [](const std::string& n) { return n[0] == 'x'; });
    if (has_exclusive) {
      CHECK(set.size() == 1);
    }
  }
  // Session tests go first so the slots never idle waiting for an exclusive one.
  CHECK(fake.started == std::vector<std::string>{"a", "b", "c", "d", "x1", "x2"});
  CHECK(fake.max_running == 4);
}

TEST_CASE("start order keeps the plan's order within each kind; each spec is loaded once") {
  std::vector<core::TestSpec> plan{spec("x", true), spec("b"), spec("y", true), spec("a")};
  FakeRunner fake;
  RecordingReporter reporter;
  std::vector<std::size_t> loads;
  run(fake, reporter, 1, plan, &loads);
  CHECK(fake.started == std::vector<std::string>{"b", "a", "x", "y"});
  CHECK(loads == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("specs are loaded when their turn comes, not all at once") {
  std::vector<core::TestSpec> plan{spec("a"), spec("b"), spec("c"), spec("d")};
  FakeRunner fake;
  RecordingReporter reporter;
  std::vector<std::size_t> loads;
  // Record how many specs had been loaded when each test started.
  struct Counting final : report::Reporter {
    std::vector<std::size_t>& loads;
    std::vector<std::size_t> loaded_at_start;
    explicit Counting(std::vector<std::size_t>& l) : loads(l) {}
    void test_started(const core::TestSpec&) override { loaded_at_start.push_back(loads.size()); }
  } counting{loads};
  run(fake, counting, 2, plan, &loads);
  CHECK(counting.loaded_at_start == std::vector<std::size_t>{1, 2, 3, 4});
}

TEST_CASE("a file that could not be loaded is an error, never started") {
  std::vector<core::TestSpec> plan{spec("good"), spec("bad")};
  plan[1].load_error = "/x/bad.test: no Exec key";
  plan[1].argv.clear();
  FakeRunner fake;
  RecordingReporter reporter;
  const auto summary = run(fake, reporter, 2, plan);
  CHECK(fake.started == std::vector<std::string>{"good"});
  CHECK(summary.failed == 1);
  CHECK(summary.passed == 1);
  CHECK(std::find(reporter.events.begin(), reporter.events.end(), "ERROR bad") !=
        reporter.events.end());
}

TEST_CASE("outcomes are counted as gdtr counts them") {
  std::vector<core::TestSpec> plan{spec("p"), spec("s"), spec("f"), spec("t"), spec("e")};
  FakeRunner fake;
  fake.outcomes = {{"s", core::Outcome::skip},
                   {"f", core::Outcome::fail},
                   {"t", core::Outcome::timeout},
                   {"e", core::Outcome::error}};
  RecordingReporter reporter;
  const auto summary = run(fake, reporter, 1, plan);
  CHECK(summary.passed == 1);
  CHECK(summary.skipped == 1);
  CHECK(summary.failed == 3);
  // CPU times add up; the memory figure is the largest.
  CHECK(summary.user_seconds == doctest::Approx(7.5));
  CHECK(summary.system_seconds == doctest::Approx(1.25));
  CHECK(summary.maxrss_kb == 1004);
}

TEST_CASE("an interruption ends the running tests and stops starting new ones") {
  std::vector<core::TestSpec> plan;
  for (int i = 0; i < 10; i++) {
    plan.push_back(spec("t" + std::to_string(i)));
  }
  FakeRunner fake;
  fake.interrupt_after = 3;
  RecordingReporter reporter;
  const auto summary = run(fake, reporter, 2, plan);
  CHECK(fake.aborted);
  CHECK(summary.interrupted_by == SIGINT);
  CHECK_FALSE(summary.complete());
  CHECK(summary.passed == 3);
  CHECK(summary.failed == 2); // the two running when the signal came
  CHECK(fake.started.size() == 5);
  CHECK(reporter.events.back() == "done");
  // The five that never started are each reported once, in plan order, before the end.
  const std::vector<std::string> tail(reporter.events.end() - 6, reporter.events.end() - 1);
  CHECK(tail == std::vector<std::string>{"not run t5 SIGINT", "not run t6 SIGINT",
                                         "not run t7 SIGINT", "not run t8 SIGINT",
                                         "not run t9 SIGINT"});
}

TEST_CASE("a second interruption while the tests stop is told before their results") {
  std::vector<core::TestSpec> plan{spec("a"), spec("b"), spec("c")};
  FakeRunner fake;
  fake.interrupt_after = 0;
  fake.interrupted_again = SIGHUP;
  RecordingReporter reporter;
  const auto summary = run(fake, reporter, 2, plan);
  CHECK(summary.interrupted_by == SIGINT); // the first decides the exit status
  CHECK(reporter.events == std::vector<std::string>{"start a", "start b", "killing SIGHUP",
                                                    "INTERRUPTED a", "INTERRUPTED b",
                                                    "not run c SIGINT", "done"});
}

TEST_CASE("after an interruption, exclusive tests put off are reported as not run first") {
  std::vector<core::TestSpec> plan = {spec("a"), spec("x", true), spec("b"), spec("c"), spec("d")};
  FakeRunner fake;
  fake.interrupt_after = 1;
  RecordingReporter reporter;
  run(fake, reporter, 2, plan);
  std::vector<std::string> not_run;
  for (const auto& event : reporter.events) {
    if (event.starts_with("not run ")) {
      not_run.push_back(event.substr(8));
    }
  }
  CHECK(not_run == std::vector<std::string>{"x SIGINT", "d SIGINT"});
}

TEST_CASE("with a baseline every result is compared before it is reported, and counted") {
  std::vector<core::TestSpec> plan{spec("was-failing"), spec("new-failure"), spec("fixed"),
                                   spec("fine"), spec("broken-file")};
  plan.back().load_error = "broken-file: not a key file";
  FakeRunner fake;
  fake.outcomes = {{"was-failing", core::Outcome::fail}, {"new-failure", core::Outcome::timeout}};
  std::map<std::string, core::Outcome> before{{"was-failing", core::Outcome::fail},
                                              {"new-failure", core::Outcome::pass},
                                              {"fixed", core::Outcome::error},
                                              {"broken-file", core::Outcome::error}};
  std::vector<std::string> seen;
  class Seen final : public report::Reporter {
  public:
    explicit Seen(std::vector<std::string>& out) : m_out(out) {}
    void test_finished(const core::TestSpec& s, const core::TestResult& r) override {
      REQUIRE(r.baseline);
      m_out.push_back(s.name + " " + std::string{core::name(r.baseline->comparison)});
    }

  private:
    std::vector<std::string>& m_out;
  } reporter{seen};
  scheduler::Scheduler scheduler{fake, reporter, 1};
  scheduler.compare_with([&](const core::TestSpec& s, core::Outcome now) {
    const auto it = before.find(s.name);
    const auto outcome = it == before.end() ? std::nullopt : std::optional{it->second};
    return core::BaselineComparison{outcome, core::compare(outcome, now)};
  });
  const auto summary = scheduler.run(plan.size(), [&](std::size_t i) { return plan[i]; });
  CHECK(seen == std::vector<std::string>{"was-failing known-failure", "new-failure regression",
                                         "fixed fixed", "fine unchanged",
                                         "broken-file known-failure"});
  REQUIRE(summary.baseline);
  CHECK(summary.baseline->regressions == 1);
  CHECK(summary.baseline->known_failures == 2);
  CHECK(summary.baseline->fixed == 1);
  CHECK(summary.failed == 3);
}

TEST_CASE("without a baseline nothing is compared") {
  std::vector<core::TestSpec> plan{spec("a")};
  FakeRunner fake;
  fake.outcomes = {{"a", core::Outcome::fail}};
  RecordingReporter reporter;
  CHECK_FALSE(run(fake, reporter, 1, plan).baseline);
}

TEST_CASE("a run cancelled before it started reports every test as not run, in plan order") {
  std::vector<core::TestSpec> plan{spec("b"), spec("x", true), spec("a")};
  RecordingReporter reporter;
  const auto summary = scheduler::cancel_run(
      reporter, plan.size(), [&](std::size_t i) { return plan[i]; }, SIGTERM);
  CHECK(reporter.events == std::vector<std::string>{"not run b SIGTERM", "not run x SIGTERM",
                                                    "not run a SIGTERM", "done"});
  CHECK(summary.interrupted_by == SIGTERM);
  CHECK(summary.total == 3);
  CHECK(summary.passed + summary.failed + summary.skipped == 0);
}

TEST_CASE("while every slot is busy, the runner is told which session test comes next") {
  std::vector<core::TestSpec> plan{spec("a"), spec("b"), spec("x", true), spec("c"), spec("d")};
  plan[4].load_error = "/x/d.test: no Exec key";
  FakeRunner fake;
  RecordingReporter reporter;
  run(fake, reporter, 1, plan);
  // x is exclusive and d cannot be loaded: neither is prepared; c follows x in the plan and
  // runs before it, but is only looked ahead at once x has been taken.
  CHECK(fake.prepared == std::vector<std::string>{"b"});
  CHECK(fake.started == std::vector<std::string>{"a", "b", "c", "x"});

  FakeRunner two;
  std::vector<core::TestSpec> session{spec("a"), spec("b"), spec("c"), spec("d"), spec("e")};
  run(two, reporter, 2, session);
  CHECK(two.prepared == std::vector<std::string>{"c", "d", "e"});
}

TEST_CASE("a test looked ahead at is reported as not run when the run is interrupted") {
  std::vector<core::TestSpec> plan{spec("a"), spec("b"), spec("c")};
  FakeRunner fake;
  fake.interrupt_after = 0;
  RecordingReporter reporter;
  run(fake, reporter, 1, plan);
  CHECK(fake.prepared == std::vector<std::string>{"b"});
  CHECK(reporter.events == std::vector<std::string>{"start a", "INTERRUPTED a", "not run b SIGINT",
                                                    "not run c SIGINT", "done"});
}

namespace {

class RerunReporter final : public report::Reporter {
public:
  std::vector<std::string> reruns; // "name run N outcome"
  std::map<std::string, core::TestResult> finished;
  void test_rerun(const core::TestSpec& spec, const core::TestResult& run) override {
    reruns.push_back(fmt::format("{} run {} {}", spec.name, run.runs, core::name(run.outcome)));
  }
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override {
    finished[spec.name] = result;
  }
};

core::RunSummary run_with(FakeRunner& fake, report::Reporter& reporter, scheduler::Reruns reruns,
                          const std::vector<core::TestSpec>& plan, unsigned parallel = 1) {
  scheduler::Scheduler scheduler{fake, reporter, parallel};
  scheduler.rerun(reruns);
  return scheduler.run(plan.size(), [&](std::size_t i) { return plan[i]; });
}

} // namespace

TEST_CASE("--retry runs a failed test again until it passes: FLAKY, which passes the run") {
  const std::vector<core::TestSpec> plan{spec("flaky"), spec("broken"), spec("fine")};
  FakeRunner fake;
  fake.runs = {{"flaky", {core::Outcome::fail, core::Outcome::timeout, core::Outcome::pass}},
               {"broken", {core::Outcome::fail, core::Outcome::fail, core::Outcome::fail}}};
  RerunReporter reporter;
  const auto summary = run_with(fake, reporter, scheduler::Reruns{2, 1}, plan);

  CHECK(fake.started == std::vector<std::string>{"flaky", "flaky@2", "flaky@3", "broken",
                                                 "broken@2", "broken@3", "fine"});
  CHECK(reporter.reruns == std::vector<std::string>{"flaky run 1 fail", "flaky run 2 timeout",
                                                    "broken run 1 fail", "broken run 2 fail"});
  const auto& flaky = reporter.finished.at("flaky");
  CHECK(flaky.outcome == core::Outcome::flaky);
  CHECK(flaky.runs == 3);
  REQUIRE(flaky.failed_runs.size() == 2);
  CHECK(flaky.failed_runs[0].run == 1);
  CHECK(flaky.failed_runs[1].outcome == core::Outcome::timeout);
  CHECK(flaky.reason == "failed 2 of 3 runs, first: run 1");
  const auto& broken = reporter.finished.at("broken");
  CHECK(broken.outcome == core::Outcome::fail);
  CHECK(broken.runs == 3);
  CHECK(broken.failed_runs.size() == 3);
  CHECK(broken.reason == "run 3; every one of 3 runs failed");
  CHECK(reporter.finished.at("fine").runs == 1);
  CHECK(summary.total == 3);
  CHECK(summary.passed == 2);
  CHECK(summary.failed == 1);
  CHECK(summary.flaky == 1);
  CHECK_FALSE(summary.flaky_fails);
}

TEST_CASE("--repeat runs every test N times; a FLAKY test then fails the run") {
  const std::vector<core::TestSpec> plan{spec("a"), spec("b", true)};
  FakeRunner fake;
  fake.runs = {{"a", {core::Outcome::pass, core::Outcome::fail, core::Outcome::pass}}};
  RerunReporter reporter;
  const auto summary = run_with(fake, reporter, scheduler::Reruns{0, 3}, plan, 2);
  CHECK(fake.started == std::vector<std::string>{"a", "a@2", "a@3", "b", "b@2", "b@3"});
  CHECK(reporter.finished.at("a").outcome == core::Outcome::flaky);
  CHECK(reporter.finished.at("b").outcome == core::Outcome::pass);
  CHECK(reporter.finished.at("b").runs == 3);
  // The exclusive test's runs each ran alone.
  for (const auto& running : fake.concurrent) {
    if (std::find(running.begin(), running.end(), "b") != running.end()) {
      CHECK(running.size() == 1);
    }
  }
  CHECK(summary.flaky == 1);
  CHECK(summary.flaky_fails);
  CHECK(summary.tests_failed());
}

TEST_CASE("a test interrupted on a rerun is INTERRUPTED, not FLAKY") {
  const std::vector<core::TestSpec> plan{spec("a")};
  FakeRunner fake;
  fake.runs = {{"a", {core::Outcome::fail}}};
  fake.interrupt_after = 1; // while the second run is under way
  RerunReporter reporter;
  const auto summary = run_with(fake, reporter, scheduler::Reruns{3, 1}, plan);
  CHECK(reporter.finished.at("a").outcome == core::Outcome::interrupted);
  CHECK(reporter.finished.at("a").runs == 2);
  CHECK(summary.interrupted_by == SIGINT);
}
