// The real Runner: each test in a fresh temporary directory, as a process tree under a monitor.
#pragma once

#include "core/defaults.hpp"

#include "process/spawner.hpp"
#include "runner/runner.hpp"
#include "runner/test_dir.hpp"
#include "session/session.hpp"
#include "util/environment.hpp"
#include "util/expected.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>

namespace ginsttest::runner {

struct ProcessRunnerOptions {
  std::chrono::seconds timeout = core::defaults::timeout;            // 0: none
  std::chrono::milliseconds kill_grace = core::defaults::kill_grace; // SIGTERM to SIGKILL
  std::optional<std::filesystem::path> log_directory;                // -L: DIR/<squashed name>.txt
  std::optional<std::filesystem::path> report_directory; // failures kept as DIR/<squashed name>/
  std::filesystem::path temp_base;    // where test directories are made otherwise
  std::size_t tail_bytes = 64 * 1024; // output kept in memory per test
  util::EnvList base_env;             // the environment tests inherit
  // Tests run as this user; their directories are made theirs.
  std::optional<process::Credentials> credentials;
  // Each test's directory is also its /tmp (a mount namespace of its own; needs root).
  bool private_tmp = false;
  // When set, each session-exclusive test gets a display and bus of its own from here.
  session::Session* fresh_servers = nullptr;
};

class ProcessRunner final : public Runner {
public:
  // SIGINT and SIGTERM must already be blocked in the calling thread: the runner receives them
  // through a signalfd. Tests are started through `spawner`, which must outlive the runner.
  static util::Expected<std::unique_ptr<ProcessRunner>> create(ProcessRunnerOptions options,
                                                               process::Spawner& spawner);
  ~ProcessRunner() override;

  // `spec` must outlive the test's run.
  void start(std::size_t id, const core::TestSpec& spec) override;
  Event wait() override;
  std::vector<Finished> abort(int signo) override;

  struct Running; // one started test; defined in the .cpp

private:
  ProcessRunner(ProcessRunnerOptions options, process::Spawner& spawner, util::Fd signals,
                PrivateTmpParent private_tmp_parent);
  // Waits for one batch of events (signals, output, deadlines); returns a signal number when the
  // runner was asked to stop, else 0.
  int poll_once();
  // The test's directories, named and placed as the options say; `program` and `env` name
  // what it keeps of the host's /tmp.
  util::Expected<TestDir> make_test_dir(const core::TestSpec& spec, const std::string& program,
                                        const util::EnvList& env) const;
  void collect_finished();
  enum class Stream { out, err };
  enum class Amount { some, all };
  static void read_output(Running& test, Stream stream, Amount amount);
  core::TestResult finish(Running& test);
  // The test's log and, with a report directory, the hidden copy of its output kept there.
  util::Status open_output_files(Running& test) const;
  // Keeps a failed test's directories for the report, or removes them; the notes say what
  // could not be done.
  void settle_directories(Running& test, core::TestResult& result);
  // Moves a failed test's directory and output to the report directory.
  void keep_for_report(Running& test, core::TestResult& result);

  ProcessRunnerOptions m_options;
  process::Spawner& m_spawner;
  util::Fd m_signals;
  PrivateTmpParent m_private_tmp_parent; // removed after the tests' directories in it
  std::vector<std::unique_ptr<Running>> m_running;
  std::deque<Finished> m_done;
  std::deque<Progress> m_progress;
};

} // namespace ginsttest::runner
