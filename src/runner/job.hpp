// The first and last steps of running a test: preparing it (its directory, environment and
// spawn request, its own servers when it gets them, where its output goes) and settling its
// directory once it has been judged (kept for the report, or removed).
#pragma once

#include "core/test_result.hpp"
#include "core/test_spec.hpp"
#include "process/spawner.hpp"
#include "runner/judge.hpp"
#include "runner/options.hpp"
#include "runner/test_dir.hpp"
#include "session/servers.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

namespace ginsttest::runner {

// A test ready to be started.
struct Job {
  std::size_t id = 0;
  unsigned run = 1; // 2, 3... for the reruns of --retry and --repeat
  const core::TestSpec* spec = nullptr;
  JobFacts facts;
  std::optional<TestDir> dir;
  // Everything but the descriptors, which the watch provides.
  process::SpawnRequest request;
  std::unique_ptr<session::Servers> servers;     // its own display and bus, if it has them
  std::optional<std::filesystem::path> log_file; // -L
  // The hidden copy of its output in the report directory, until kept as output.txt.
  std::optional<std::filesystem::path> report_output;
};

// Where a run's jobs are made, and how.
class Jobs {
public:
  // With a private /tmp, makes the run's parent of the tests' /tmp directories.
  static util::Expected<Jobs> create(ProcessRunnerOptions options);

  const ProcessRunnerOptions& options() const { return m_options; }

  // Where -L puts the output of run `run` of the test (also for a test that could not be
  // prepared).
  std::optional<std::filesystem::path> log_file(const core::TestSpec& spec, unsigned run) const;

  // Run `run` of the test (each run has its own directory, log and kept directory). `spec` must
  // outlive the job. An error means nothing was made.
  util::Expected<Job> prepare(std::size_t id, const core::TestSpec& spec, unsigned run) const;

  // Keeps a failed test's directories for the report, or removes them; adds what could not
  // be done to the result's notes. The descriptors of removed directories go to
  // `last_references`, to be closed when it costs the run nothing (see util::TempDir::remove).
  void settle(Job& job, core::TestResult& result, std::vector<util::Fd>& last_references) const;

private:
  Jobs(ProcessRunnerOptions options, PrivateTmpParent private_tmp_parent,
       std::optional<PrivateTmpParent> private_var_tmp_parent)
      : m_options(std::move(options)), m_private_tmp_parent(std::move(private_tmp_parent)),
        m_private_var_tmp_parent(std::move(private_var_tmp_parent)) {}
  // The test's directories, named and placed as the options say; `program` and `env` name
  // what it keeps of the host's /tmp.
  util::Expected<TestDir> make_test_dir(const core::TestSpec& spec, unsigned run,
                                        const std::string& program, const util::EnvList& env) const;
  // The entries of the host's /var/tmp a test with a private one keeps.
  std::vector<std::string> shared_var_tmp_entries(const core::TestSpec& spec,
                                                  const std::string& program,
                                                  const util::EnvList& env) const;
  // Moves a failed test's directory and output to the report directory.
  void keep_for_report(Job& job, core::TestResult& result) const;

  ProcessRunnerOptions m_options;
  PrivateTmpParent m_private_tmp_parent; // removed after the tests' directories in it
  // On the host's /var/tmp, where there is one: the parent of the tests' private /var/tmp.
  std::optional<PrivateTmpParent> m_private_var_tmp_parent;
};

} // namespace ginsttest::runner
