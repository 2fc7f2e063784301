// The real Runner: each test prepared (runner/job.hpp), watched as a process tree under a
// monitor (runner/watcher.hpp), then judged (runner/judge.hpp) and its directory settled.
#pragma once

#include "process/spawner.hpp"
#include "runner/job.hpp"
#include "runner/options.hpp"
#include "runner/runner.hpp"
#include "runner/watcher.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>

namespace ginsttest::runner {

class ProcessRunner final : public Runner {
public:
  // The stop signals (core::stop_signals) must already be blocked in the calling thread: the
  // runner receives them through a signalfd. Tests are started through `spawner`, which must
  // outlive the runner.
  static util::Expected<std::unique_ptr<ProcessRunner>> create(ProcessRunnerOptions options,
                                                               process::Spawner& spawner);
  ~ProcessRunner() override;

  // Makes the test's job now: its directory, environment and request.
  void prepare(std::size_t id, const core::TestSpec& spec) override;
  // `spec` must outlive the test's run.
  void start(std::size_t id, const core::TestSpec& spec, unsigned run) override;
  Event wait() override;
  std::vector<Finished> abort(int signo, const KillingNow& killing_now) override;

  struct Active; // one started test; defined in the .cpp

private:
  ProcessRunner(Jobs jobs, process::Spawner& spawner, Watcher watcher);

  // Test `id`'s job: the one prepared ahead for it, else one made now.
  util::Expected<Job> job_for(std::size_t id, const core::TestSpec& spec, unsigned run);
  // Starts the prepared test's process tree and hands it to the watcher.
  util::Status launch(Active& test);
  // Waits for one batch of events; returns a signal number when the runner was asked to stop,
  // else 0.
  int poll_once();
  // The result of a test that ended, or never started.
  core::TestResult finish(Active& test, const Ending& ending);
  // When the next Progress event of a TAP test is due, if one is held back.
  std::optional<Clock::time_point> next_progress() const;
  void queue_progress();

  // Destroyed in reverse order: the watcher ends the trees first, then the tests' directories
  // go, then the parent of their private /tmp directories.
  Jobs m_jobs;
  process::Spawner& m_spawner;
  // A job made ahead of its start (see prepare), or why it could not be made.
  struct Prepared {
    std::size_t id;
    util::Expected<Job> job;
  };
  std::optional<Prepared> m_prepared;
  std::map<std::size_t, std::unique_ptr<Active>> m_active; // by id
  Watcher m_watcher;
  std::deque<Finished> m_done;
  // Removed directories, closed once the next test is on its way (see util::TempDir::remove).
  std::vector<util::Fd> m_last_references;
  std::deque<Progress> m_progress;
};

} // namespace ginsttest::runner
