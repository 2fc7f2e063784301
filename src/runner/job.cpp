#include "runner/job.hpp"

#include "core/file_name.hpp"
#include "process/program.hpp"
#include "runner/kept_dir.hpp"
#include "session/shared_tmp.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ginsttest::runner {
namespace {

// Who the tests' directories belong to, when not the runner's own user.
std::optional<util::Owner> test_user(const ProcessRunnerOptions& options) {
  if (const auto& user = options.credentials) {
    return util::Owner{user->uid, user->gid};
  }
  return std::nullopt;
}

bool sets_variable(const core::TestSpec& spec, std::string_view name) {
  return std::any_of(spec.environment.begin(), spec.environment.end(),
                     [&](const auto& var) { return var.first == name; });
}

} // namespace

util::Expected<Jobs> Jobs::create(ProcessRunnerOptions options) {
  // With a private /tmp, the parent of the tests' private /tmp directories: in the report
  // directory, so that a failed test's is kept by a rename, else near where test directories
  // go otherwise.
  PrivateTmpParent private_tmp_parent;
  std::optional<PrivateTmpParent> private_var_tmp_parent;
  if (options.private_tmp) {
    auto bases = private_tmp_bases(options.temp_base);
    if (options.report_directory) {
      bases.insert(bases.begin(), *options.report_directory);
    }
    auto parent = make_private_tmp_parent(bases, test_user(options));
    if (!parent) {
      return util::unexpected(parent.error());
    }
    private_tmp_parent = std::move(*parent);
    std::error_code ec;
    if (std::filesystem::is_directory(session::var_tmp_place, ec)) {
      auto var_parent = make_private_tmp_parent({session::var_tmp_place}, test_user(options));
      if (!var_parent) {
        return util::unexpected(var_parent.error());
      }
      private_var_tmp_parent = std::move(*var_parent);
    }
  }
  return Jobs{std::move(options), std::move(private_tmp_parent), std::move(private_var_tmp_parent)};
}

std::optional<std::filesystem::path> Jobs::log_file(const core::TestSpec& spec,
                                                    unsigned run) const {
  if (!m_options.log_directory) {
    return std::nullopt;
  }
  constexpr std::string_view suffix = ".txt";
  return *m_options.log_directory /
         (core::test_run_file_name(spec.name, run, core::max_file_name - suffix.size())
              .append(suffix));
}

util::Expected<Job> Jobs::prepare(std::size_t id, const core::TestSpec& spec, unsigned run) const {
  Job job;
  job.id = id;
  job.run = run;
  job.spec = &spec;
  job.facts.timeout = m_options.timeout;
  if (m_options.credentials) {
    job.facts.run_as = m_options.credentials->uid;
  }

  // The environment: the run's, GIO_USE_VFS as gdtr sets it (no gvfs modules, which need a
  // user session of their own), a session-exclusive test's own servers, TestEnvironment.
  auto overrides = session::Overrides{{"GIO_USE_VFS", "local"}};
  if (m_options.fresh_servers && spec.exclusive()) {
    auto servers = m_options.fresh_servers->start_fresh_servers();
    if (!servers) {
      return util::unexpected(servers.error());
    }
    job.servers = std::move(*servers);
    overrides.insert(overrides.end(), job.servers->overrides.begin(), job.servers->overrides.end());
  }
  overrides.insert(overrides.end(), spec.environment.begin(), spec.environment.end());
  auto env = util::merge_environment(m_options.base_env, overrides);
  // Without PATH, the search path execvp and g_spawn use.
  const auto search_path = util::lookup(env, "PATH");
  job.facts.program =
      process::find_program(spec.argv.at(0), search_path.empty() ? "/bin:/usr/bin" : search_path);

  auto dir = make_test_dir(spec, run, job.facts.program, env);
  if (!dir) {
    return util::unexpected(dir.error());
  }
  job.dir = std::move(*dir);
  job.facts.work_dir = job.dir->work_dir();
  job.facts.host_work_dir = job.dir->host_work_dir();

  job.log_file = log_file(spec, run);
  if (m_options.report_directory) {
    // In the report directory, which only the runner writes, whichever directory the test
    // was given.
    job.report_output = *m_options.report_directory /
                        ("." + job.dir->made_in_base().filename().string() + ".output");
  }

  process::SpawnRequest& request = job.request;
  request.env = std::move(env);
  // TMPDIR is the test's directory, unless TestEnvironment says otherwise.
  if (!sets_variable(spec, "TMPDIR")) {
    util::set_variable(request.env, "TMPDIR", job.facts.work_dir.string());
  }
  request.argv = spec.argv;
  request.program = job.facts.program;
  request.cwd = job.facts.work_dir;
  request.kill_grace = m_options.kill_grace;
  request.credentials = m_options.credentials;
  request.private_tmp = job.dir->private_tmp();
  request.shared_tmp_entries = job.dir->bound_entries();
  request.private_var_tmp = job.dir->private_var_tmp();
  request.shared_var_tmp_entries = job.dir->bound_var_entries();
  if (m_options.diagnoser) {
    request.core_limit = m_options.diagnoser->core_limit();
  }
  return job;
}

std::vector<std::string> Jobs::shared_var_tmp_entries(const core::TestSpec& spec,
                                                      const std::string& program,
                                                      const util::EnvList& env) const {
  auto entries =
      session::shared_entries(spec, program, env, session::var_tmp_place, session::var_tmp_place);
  // The test is given its working directory by its path in the host's /var/tmp, when its
  // private /tmp lies there: that path must lead to it.
  const auto& parent = m_private_tmp_parent.dir.path();
  for (const auto& entry : session::entries_named(parent.string(), session::var_tmp_place)) {
    if (std::find(entries.begin(), entries.end(), entry) == entries.end()) {
      entries.push_back(entry);
    }
  }
  return entries;
}

util::Expected<TestDir> Jobs::make_test_dir(const core::TestSpec& spec, unsigned run,
                                            const std::string& program,
                                            const util::EnvList& env) const {
  TestDirOptions dir_options;
  dir_options.owner = test_user(m_options);
  if (m_options.private_tmp) {
    dir_options.private_tmp = true;
    dir_options.base = m_private_tmp_parent.dir.path();
    dir_options.host_path = m_private_tmp_parent.host_paths;
    dir_options.shared_tmp_entries = session::shared_tmp_entries(spec, program, env);
    if (m_private_var_tmp_parent) {
      dir_options.var_tmp_base = m_private_var_tmp_parent->dir.path();
      dir_options.shared_var_tmp_entries = shared_var_tmp_entries(spec, program, env);
    }
    return TestDir::create(dir_options);
  }
  // In the report directory, to be kept by a rename, unless the test user might not reach it
  // there. Named after the test, within 200 bytes: with the prefix, mkdtemp's suffix and the
  // name of the hidden copy of the output made from it, still a file name.
  const bool in_report_dir = m_options.report_directory && !m_options.credentials;
  dir_options.base = in_report_dir ? *m_options.report_directory : m_options.temp_base;
  dir_options.prefix = fmt::format("{}-{}", in_report_dir ? ".tmp" : "test-tmp",
                                   core::test_run_file_name(spec.name, run, 200));
  return TestDir::create(dir_options);
}

void Jobs::settle(Job& job, core::TestResult& result,
                  std::vector<util::Fd>& last_references) const {
  // Interrupted tests did not fail on their own: their directories go like passing ones'.
  const bool keep = m_options.report_directory && core::is_failure(result.outcome) &&
                    result.outcome != core::Outcome::interrupted && job.dir;
  if (keep) {
    keep_for_report(job, result);
  } else if (job.dir) {
    for (auto& note : job.dir->remove(&last_references)) {
      result.notes.push_back(std::move(note));
    }
  }
  // Unless it became the kept output.txt, the hidden copy of the output goes.
  if (job.report_output) {
    std::error_code ec;
    std::filesystem::remove(*job.report_output, ec);
  }
}

void Jobs::keep_for_report(Job& job, core::TestResult& result) const {
  const auto target =
      *m_options.report_directory / core::test_run_file_name(job.spec->name, job.run);
  (void)util::remove_tree(target);
  for (auto& note : job.dir->keep_as(target)) {
    result.notes.push_back(std::move(note));
  }
  // Opened without following a link, so that output.txt lands in it.
  util::Fd dir{::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!dir) {
    result.notes.push_back(fmt::format("cannot keep the test's directory as {}: {}",
                                       target.string(), util::errno_text(errno)));
    return;
  }
  result.kept_dir = target;
  // Made the runner's before output.txt goes in, so that nothing of the test user's can
  // replace it.
  const util::Owner runner_user{::geteuid(), ::getegid()};
  for (auto& note :
       seal_kept_dir(dir.get(), target, m_options.credentials ? &runner_user : nullptr)) {
    result.notes.push_back(std::move(note));
  }
  if (job.report_output &&
      ::renameat(AT_FDCWD, job.report_output->c_str(), dir.get(), "output.txt") != 0) {
    result.notes.push_back(
        fmt::format("output not kept in {}: {}", target.string(), util::errno_text(errno)));
  }
}

} // namespace ginsttest::runner
