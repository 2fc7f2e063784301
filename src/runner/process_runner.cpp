#include "runner/process_runner.hpp"

#include "process/program.hpp"
#include "process/tree.hpp"
#include "runner/output_capture.hpp"
#include "runner/test_dir.hpp"
#include "session/shared_tmp.hpp"
#include "tap/parser.hpp"
#include "tap/verdict.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace ginsttest::runner {

using Clock = std::chrono::steady_clock;

// At most this often per test, a Progress event.
constexpr std::chrono::milliseconds progress_interval{200};

struct ProcessRunner::Running {
  std::size_t id = 0;
  const core::TestSpec* spec = nullptr;
  std::optional<TestDir> dir;
  std::optional<std::filesystem::path> report_output; // hidden output file in the report dir
  // Read ends of the test's output: `out` has stdout, and stderr too unless the test is an
  // Output=TAP one, whose stderr is `err`. Both go to the capture as they arrive, only `out` to
  // the TAP parser.
  util::Fd out;
  util::Fd err;
  OutputCapture capture;
  std::optional<process::Tree> tree;
  std::unique_ptr<session::Servers> servers; // its own display and bus, if it has them
  std::string program;
  Clock::time_point started_mono;
  std::chrono::system_clock::time_point started_wall;
  std::optional<Clock::time_point> deadline;
  bool timed_out = false;
  int interrupted_by = 0;
  std::optional<std::string> start_error; // could not be started at all
  // For Output=TAP tests: the parser reading the output, and what it found.
  std::unique_ptr<tap::Tally> tally;
  std::unique_ptr<tap::Parser> parser;
  std::size_t reported_points = 0; // in the last Progress event
  Clock::time_point reported_at{};

  explicit Running(std::size_t tail_bytes) : capture(tail_bytes) {}

  util::Fd& pipe(Stream stream) { return stream == Stream::out ? out : err; }

  // With two pipes, the capture takes whole lines, so that a line of one stream never lands in
  // the middle of a line of the other (which one the runner reads first is a race); what is
  // left of a line waits here, up to max_partial bytes, and at the end.
  static constexpr std::size_t max_partial = 4096;
  std::string partial[2]; // by Stream

  void consume(std::string_view data, Stream from) {
    if (parser && from == Stream::out) {
      parser->feed(data);
    }
    if (!err && partial[0].empty() && partial[1].empty()) {
      capture.append(data); // one pipe: already in the order written
      return;
    }
    std::string& pending = partial[from == Stream::out ? 0 : 1];
    const auto last_newline = data.rfind('\n');
    if (last_newline == std::string_view::npos) {
      pending.append(data);
      if (pending.size() > max_partial) {
        capture.append(pending);
        pending.clear();
      }
      return;
    }
    capture.append(pending);
    capture.append(data.substr(0, last_newline + 1));
    pending.assign(data.substr(last_newline + 1));
  }

  // What is left of the last lines, once both pipes are at end of file.
  void flush_partial_lines() {
    for (auto& pending : partial) {
      capture.append(pending);
      pending.clear();
    }
  }
};

// Reads what the test has written to `stream`, one buffer at most (`Amount::some`) or all there
// is now; closes its pipe at end of file.
void ProcessRunner::read_output(Running& test, Stream stream, Amount amount) {
  util::Fd& fd = test.pipe(stream);
  char buf[65536];
  while (fd) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      test.consume(std::string_view{buf, static_cast<std::size_t>(n)}, stream);
      if (amount == Amount::some) {
        return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      return;
    }
    fd.reset();
  }
}

namespace {

// Why a test run as another user may be denied what root could reach, and what to do.
std::string run_as_hint(const process::Credentials& user) {
  return fmt::format("the test runs as uid {} (the runner was started as root): install it where "
                     "that user can read it, choose another with --user, or keep root with "
                     "--as-root",
                     user.uid);
}

// Who the tests' directories belong to, when not the runner's own user.
std::optional<util::Owner> test_user(const ProcessRunnerOptions& options) {
  if (const auto& user = options.credentials) {
    return util::Owner{user->uid, user->gid};
  }
  return std::nullopt;
}

std::string seconds_text(std::chrono::seconds s) {
  return fmt::format("{} s", s.count());
}

} // namespace

util::Expected<std::unique_ptr<ProcessRunner>> ProcessRunner::create(ProcessRunnerOptions options,
                                                                     process::Spawner& spawner) {
  sigset_t set;
  ::sigemptyset(&set);
  ::sigaddset(&set, SIGINT);
  ::sigaddset(&set, SIGTERM);
  util::Fd signals{::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)};
  if (!signals) {
    return util::unexpected(fmt::format("signalfd: {}", util::errno_text(errno)));
  }
  // With a private /tmp, the parent of the tests' private /tmp directories: in the report
  // directory, so that a failed test's is kept by a rename, else near where test directories
  // go otherwise.
  PrivateTmpParent private_tmp_parent;
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
  }
  return std::unique_ptr<ProcessRunner>{new ProcessRunner(
      std::move(options), spawner, std::move(signals), std::move(private_tmp_parent))};
}

ProcessRunner::ProcessRunner(ProcessRunnerOptions options, process::Spawner& spawner,
                             util::Fd signals, PrivateTmpParent private_tmp_parent)
    : m_options(std::move(options)), m_spawner(spawner), m_signals(std::move(signals)),
      m_private_tmp_parent(std::move(private_tmp_parent)) {}

ProcessRunner::~ProcessRunner() {
  // Trees end their processes in their destructors; do it for all of them at once first.
  for (auto& test : m_running) {
    if (test->tree) {
      test->tree->terminate();
    }
  }
}

void ProcessRunner::start(std::size_t id, const core::TestSpec& spec) {
  auto test = std::make_unique<Running>(m_options.tail_bytes);
  test->id = id;
  test->spec = &spec;
  test->started_mono = Clock::now();
  test->started_wall = std::chrono::system_clock::now();
  auto fail_to_start = [&](std::string reason) {
    test->start_error = std::move(reason);
    m_done.push_back(Finished{id, finish(*test)});
  };

  // The environment: the run's, GIO_USE_VFS as gdtr sets it (no gvfs modules, which need a
  // user session of their own), a session-exclusive test's own servers, TestEnvironment.
  auto overrides = std::vector<std::pair<std::string, std::string>>{{"GIO_USE_VFS", "local"}};
  if (m_options.fresh_servers && spec.exclusive()) {
    auto servers = m_options.fresh_servers->start_fresh_servers();
    if (!servers) {
      return fail_to_start(servers.error().what);
    }
    test->servers = std::move(*servers);
    overrides.insert(overrides.end(), test->servers->overrides.begin(),
                     test->servers->overrides.end());
  }
  overrides.insert(overrides.end(), spec.environment.begin(), spec.environment.end());
  auto env = util::merge_environment(m_options.base_env, overrides);
  // Without PATH, the search path execvp and g_spawn use.
  const auto search_path = util::lookup(env, "PATH");
  test->program =
      process::find_program(spec.argv.at(0), search_path.empty() ? "/bin:/usr/bin" : search_path);

  auto dir = make_test_dir(spec, test->program, env);
  if (!dir) {
    return fail_to_start(dir.error().what);
  }
  test->dir = std::move(*dir);

  if (auto status = open_output_files(*test); !status) {
    return fail_to_start(status.error().what);
  }

  // An Output=TAP test's stderr has a pipe of its own, so that nothing written there can cut a
  // TAP line. Other tests write both streams to one pipe, which keeps their exact order (two
  // pipes cannot tell it).
  util::Pipe out_pipe;
  util::Pipe err_pipe;
  if (!util::make_pipe(out_pipe, util::ReadEnd::nonblocking) ||
      (spec.output_tap && !util::make_pipe(err_pipe, util::ReadEnd::nonblocking))) {
    return fail_to_start(fmt::format("cannot create a pipe: {}", util::errno_text(errno)));
  }

  process::SpawnRequest request;
  request.env = std::move(env);
  // TMPDIR is the test's directory, unless TestEnvironment says otherwise.
  if (std::none_of(spec.environment.begin(), spec.environment.end(),
                   [](const auto& var) { return var.first == "TMPDIR"; })) {
    util::set_variable(request.env, "TMPDIR", test->dir->work_dir().string());
  }
  request.argv = spec.argv;
  request.program = test->program;
  request.cwd = test->dir->work_dir();
  request.output_fd = out_pipe.write.get();
  request.error_fd = err_pipe.write.get();
  request.kill_grace = m_options.kill_grace;
  request.credentials = m_options.credentials;
  request.private_tmp = test->dir->private_tmp();
  request.shared_tmp_entries = test->dir->bound_entries();
  if (spec.output_tap) {
    test->tally = std::make_unique<tap::Tally>();
    test->parser = std::make_unique<tap::Parser>(*test->tally);
  }

  auto tree = process::Tree::spawn(m_spawner, request);
  if (!tree) {
    return fail_to_start(tree.error().what);
  }
  // Only the test holds the write ends now.
  out_pipe.write.reset();
  err_pipe.write.reset();
  test->out = std::move(out_pipe.read);
  test->err = std::move(err_pipe.read);
  test->tree.emplace(std::move(*tree));
  if (m_options.timeout.count() > 0) {
    test->deadline = test->started_mono + m_options.timeout;
  }
  m_running.push_back(std::move(test));
}

util::Status ProcessRunner::open_output_files(Running& test) const {
  if (m_options.log_directory) {
    const auto log = *m_options.log_directory / (util::squash_name(test.spec->name) + ".txt");
    if (auto status = test.capture.add_file(log); !status) {
      return util::unexpected(fmt::format("cannot write the log: {}", status.error().what));
    }
  }
  if (m_options.report_directory) {
    // In the report directory, which only the runner writes, whichever directory the test
    // was given.
    test.report_output = *m_options.report_directory /
                         ("." + test.dir->made_in_base().filename().string() + ".output");
    if (auto status = test.capture.add_file(*test.report_output); !status) {
      return util::unexpected(fmt::format("cannot write the output: {}", status.error().what));
    }
  }
  return util::Ok{};
}

util::Expected<TestDir> ProcessRunner::make_test_dir(const core::TestSpec& spec,
                                                     const std::string& program,
                                                     const util::EnvList& env) const {
  TestDirOptions dir_options;
  dir_options.owner = test_user(m_options);
  if (m_options.private_tmp) {
    dir_options.private_tmp = true;
    dir_options.base = m_private_tmp_parent.dir.path();
    dir_options.host_path = m_private_tmp_parent.host_paths;
    dir_options.shared_tmp_entries = session::shared_tmp_entries(spec, program, env);
    return TestDir::create(dir_options);
  }
  // In the report directory, to be kept by a rename, unless the test user might not reach it
  // there. Named after the test as gdtr names it, cut to stay within NAME_MAX.
  const bool in_report_dir = m_options.report_directory && !m_options.credentials;
  dir_options.base = in_report_dir ? *m_options.report_directory : m_options.temp_base;
  dir_options.prefix = fmt::format("{}-{}", in_report_dir ? ".tmp" : "test-tmp",
                                   util::squash_name(spec.name).substr(0, 200));
  return TestDir::create(dir_options);
}

Event ProcessRunner::wait() {
  while (m_done.empty()) {
    if (!m_progress.empty()) {
      Progress next = m_progress.front();
      m_progress.pop_front();
      return next;
    }
    if (m_running.empty()) {
      throw std::logic_error("ProcessRunner::wait() with no test running");
    }
    if (const int signo = poll_once(); signo != 0) {
      return Interrupted{signo};
    }
  }
  Finished next = std::move(m_done.front());
  m_done.pop_front();
  return next;
}

std::vector<Finished> ProcessRunner::abort(int signo) {
  for (auto& test : m_running) {
    test->interrupted_by = signo;
    test->tree->terminate();
  }
  collect_finished(); // a test may have ended just now
  while (!m_running.empty()) {
    poll_once(); // further SIGINT/SIGTERM change nothing: the trees are already ending
  }
  m_progress.clear();
  std::vector<Finished> out{std::make_move_iterator(m_done.begin()),
                            std::make_move_iterator(m_done.end())};
  m_done.clear();
  return out;
}

int ProcessRunner::poll_once() {
  // [0] signals, then per test its report pipe and, while open, its stdout and stderr.
  constexpr std::size_t per_test = 3;
  std::vector<pollfd> fds;
  fds.push_back(pollfd{m_signals.get(), POLLIN, 0});
  std::optional<Clock::time_point> next_deadline;
  for (auto& test : m_running) {
    fds.push_back(pollfd{test->tree->report_fd(), POLLIN, 0});
    fds.push_back(pollfd{test->out ? test->out.get() : -1, POLLIN, 0});
    fds.push_back(pollfd{test->err ? test->err.get() : -1, POLLIN, 0});
    if (test->deadline && (!next_deadline || *test->deadline < *next_deadline)) {
      next_deadline = test->deadline;
    }
    // Progress held back by the rate limit is sent when the limit allows.
    if (test->tally && test->tally->counts().points != test->reported_points) {
      const auto due = test->reported_at + progress_interval;
      if (!next_deadline || due < *next_deadline) {
        next_deadline = due;
      }
    }
  }

  timespec timeout{};
  const timespec* timeout_ptr = nullptr;
  if (next_deadline) {
    const auto left = std::max(Clock::duration::zero(), *next_deadline - Clock::now());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timeout.tv_sec = static_cast<time_t>(ns / 1000000000);
    timeout.tv_nsec = static_cast<long>(ns % 1000000000);
    timeout_ptr = &timeout;
  }
  const int ready = ::ppoll(fds.data(), fds.size(), timeout_ptr, nullptr);
  if (ready < 0 && errno != EINTR) {
    throw std::runtime_error(fmt::format("ppoll: {}", util::errno_text(errno)));
  }

  // One buffer from each stream per round, so that what a test writes to both comes out close
  // to the order it was written in (two pipes cannot tell it exactly).
  for (std::size_t i = 0; ready > 0 && i < m_running.size(); i++) {
    Running& test = *m_running[i];
    if (fds[2 + per_test * i].revents != 0) {
      read_output(test, Stream::out, Amount::some);
    }
    if (fds[3 + per_test * i].revents != 0) {
      read_output(test, Stream::err, Amount::some);
    }
  }

  int stop_signal = 0;
  signalfd_siginfo info{};
  while (::read(m_signals.get(), &info, sizeof info) == sizeof info) {
    if (stop_signal == 0) {
      stop_signal = static_cast<int>(info.ssi_signo);
    }
  }

  const auto now = Clock::now();
  for (auto& test : m_running) {
    if (test->deadline && now >= *test->deadline) {
      test->deadline.reset();
      test->timed_out = true;
      test->tree->terminate();
    }
  }
  // Also without a report event: terminate() may have read a monitor's end of file itself.
  collect_finished();
  // Progress of TAP tests, a few times a second at most.
  for (auto& test : m_running) {
    if (test->tally && test->tally->counts().points != test->reported_points &&
        now - test->reported_at >= progress_interval) {
      test->reported_points = test->tally->counts().points;
      test->reported_at = now;
      m_progress.push_back(Progress{test->id, test->reported_points, test->tally->planned()});
    }
  }
  return stop_signal;
}

void ProcessRunner::collect_finished() {
  auto it = m_running.begin();
  while (it != m_running.end()) {
    Running& test = **it;
    if (!test.tree->read_reports()) {
      ++it;
      continue;
    }
    m_done.push_back(Finished{test.id, finish(test)});
    it = m_running.erase(it);
  }
}

core::TestResult ProcessRunner::finish(Running& test) {
  core::TestResult result;
  result.started = test.started_wall;
  result.duration = Clock::now() - test.started_mono;
  // Every process of the test is gone, so this reaches end of file unless something escaped
  // (then the output is cut here rather than waiting for it).
  read_output(test, Stream::out, Amount::all);
  read_output(test, Stream::err, Amount::all);
  test.flush_partial_lines();
  test.out.reset();
  test.err.reset();
  test.servers.reset(); // the test's own display and bus, if any

  const process::TreeStatus status = test.tree ? test.tree->status() : process::TreeStatus{};
  if (test.start_error) {
    result.outcome = core::Outcome::error;
    result.reason = *test.start_error;
  } else if (test.interrupted_by != 0) {
    result.outcome = core::Outcome::interrupted;
    result.reason = core::interruption(test.interrupted_by);
  } else if (test.timed_out) {
    result.outcome = core::Outcome::timeout;
    result.reason = fmt::format("timed out after {}", seconds_text(m_options.timeout));
  } else if (status.exec_errno) {
    result.outcome = core::Outcome::error;
    result.reason = fmt::format("{}: {}", test.program, util::errno_text(*status.exec_errno));
  } else if (!status.setup_error.empty()) {
    result.outcome = core::Outcome::error;
    result.reason = fmt::format("cannot start the test in {}: {}", test.dir->work_dir().string(),
                                status.setup_error);
  } else if (status.wait_status) {
    core::Verdict verdict;
    if (test.tally) {
      test.parser->finish();
      verdict = test.tally->verdict(*status.wait_status);
      result.subtests = test.tally->take_subtests();
      result.subtests_not_kept = test.tally->subtests_not_kept();
    } else {
      verdict = core::verdict_from_wait_status(*status.wait_status);
    }
    result.outcome = verdict.outcome;
    result.reason = std::move(verdict.reason);
  } else {
    result.outcome = core::Outcome::error;
    result.reason = "the test's monitor process ended without reporting an exit status";
  }
  if (status.wait_status && WIFEXITED(*status.wait_status)) {
    result.exit_status = WEXITSTATUS(*status.wait_status);
  } else if (status.wait_status && WIFSIGNALED(*status.wait_status)) {
    result.signal = WTERMSIG(*status.wait_status);
  }
  result.leftover_processes = status.leftovers;
  result.user_seconds = status.user_seconds;
  result.system_seconds = status.system_seconds;
  result.maxrss_kb = status.maxrss_kb;
  if (status.leftovers > 0) {
    result.notes.push_back(fmt::format("killed {} process{} the test left running",
                                       status.leftovers, status.leftovers == 1 ? "" : "es"));
  }

  result.output_bytes = test.capture.total_bytes();
  result.output_tail = test.capture.tail(1000);
  test.capture.close_files();
  if (m_options.log_directory) {
    result.log_file = *m_options.log_directory / (util::squash_name(test.spec->name) + ".txt");
  }

  if (status.exec_errno == EACCES && m_options.credentials && !test.start_error) {
    result.notes.push_back(run_as_hint(*m_options.credentials));
  }
  settle_directories(test, result);
  return result;
}

void ProcessRunner::settle_directories(Running& test, core::TestResult& result) {
  // Interrupted tests did not fail on their own: their directories go like passing ones'.
  const bool keep = m_options.report_directory && core::is_failure(result.outcome) &&
                    result.outcome != core::Outcome::interrupted && test.dir;
  if (keep) {
    keep_for_report(test, result);
  } else if (test.dir) {
    for (auto& note : test.dir->remove()) {
      result.notes.push_back(std::move(note));
    }
  }
  // Unless it became the kept output.txt, the hidden copy of the output goes.
  if (test.report_output) {
    std::error_code ec;
    std::filesystem::remove(*test.report_output, ec);
  }
}

void ProcessRunner::keep_for_report(Running& test, core::TestResult& result) {
  const auto target = *m_options.report_directory / util::squash_name(test.spec->name);
  (void)util::remove_tree(target);
  for (auto& note : test.dir->keep_as(target)) {
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
  if (test.report_output &&
      ::renameat(AT_FDCWD, test.report_output->c_str(), dir.get(), "output.txt") != 0) {
    result.notes.push_back(
        fmt::format("output not kept in {}: {}", target.string(), util::errno_text(errno)));
  }
}

} // namespace ginsttest::runner
