#include "runner/process_runner.hpp"

#include "process/program.hpp"
#include "runner/test_output.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace ginsttest::runner {

// How long past its grace period a monitor asked to stop its test may take before it is
// killed: time for a loaded machine to scan /proc and reap.
constexpr std::chrono::seconds monitor_margin{10};

// At most this often per test, a Progress event.
constexpr std::chrono::milliseconds progress_interval{200};

namespace {

void add_notes(core::TestResult& result, std::vector<std::string> notes) {
  for (auto& note : notes) {
    result.notes.push_back(std::move(note));
  }
}

// The core a backtrace was read from, relative to the test's directory `dir`, when it lies in it.
std::optional<std::filesystem::path> core_file_in(const std::filesystem::path& dir,
                                                  const std::optional<core::Backtrace>& backtrace) {
  if (!backtrace || !backtrace->core_file) {
    return std::nullopt;
  }
  const auto relative = backtrace->core_file->lexically_relative(dir);
  if (relative.empty() || *relative.begin() == "..") {
    return std::nullopt;
  }
  return relative;
}

// A core read from the test's directory: kept with it (--report-directory) unless larger than
// `max_bytes`, else gone with it.
void keep_core(const std::filesystem::path& relative, core::TestResult& result,
               std::uint64_t max_bytes) {
  auto& backtrace = *result.backtrace;
  backtrace.core_file.reset();
  if (!result.kept_dir) {
    return;
  }
  const auto kept = *result.kept_dir / relative;
  if (backtrace.core_bytes > max_bytes) {
    std::error_code ec;
    std::filesystem::remove(kept, ec);
    result.notes.push_back(fmt::format("core not kept: {} bytes, more than --max-core-size={}",
                                       backtrace.core_bytes, max_bytes));
    return;
  }
  backtrace.core_file = kept;
}

} // namespace

// When a test was started, by both clocks.
struct Started {
  Clock::time_point mono = Clock::now();
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
};

struct ProcessRunner::Active {
  Active(Job j, std::size_t tail_bytes, Started s)
      : job(std::move(j)), output(tail_bytes, job.spec->output_tap), started(s) {}

  Job job;
  TestOutput output;
  Started started;
  std::size_t reported_points = 0; // in the last Progress event
  Clock::time_point reported_at{};

  // Whether a TAP test has seen points not yet told in a Progress event.
  bool progress_pending() const {
    const tap::Tally* tally = output.tally();
    return tally && tally->counts().points != reported_points;
  }
};

util::Expected<std::unique_ptr<ProcessRunner>> ProcessRunner::create(ProcessRunnerOptions options,
                                                                     process::Spawner& spawner) {
  auto watcher = Watcher::create();
  if (!watcher) {
    return util::unexpected(watcher.error());
  }
  auto jobs = Jobs::create(std::move(options));
  if (!jobs) {
    return util::unexpected(jobs.error());
  }
  return std::unique_ptr<ProcessRunner>{
      new ProcessRunner(std::move(*jobs), spawner, std::move(*watcher))};
}

ProcessRunner::ProcessRunner(Jobs jobs, process::Spawner& spawner, Watcher watcher)
    : m_jobs(std::move(jobs)), m_spawner(spawner), m_watcher(std::move(watcher)) {}

ProcessRunner::~ProcessRunner() = default;

void ProcessRunner::prepare(std::size_t id, const core::TestSpec& spec) {
  m_prepared.reset(); // one ahead at most
  m_prepared.emplace(Prepared{id, m_jobs.prepare(id, spec, 1)});
}

util::Expected<Job> ProcessRunner::job_for(std::size_t id, const core::TestSpec& spec,
                                           unsigned run) {
  if (run > 1) {
    return m_jobs.prepare(id, spec, run);
  }
  auto prepared = std::exchange(m_prepared, std::nullopt);
  if (!prepared || prepared->id != id) {
    return m_jobs.prepare(id, spec, run);
  }
  if (prepared->job) {
    prepared->job->spec = &spec; // the scheduler's copy now
  }
  return std::move(prepared->job);
}

void ProcessRunner::start(std::size_t id, const core::TestSpec& spec, unsigned run) {
  const Started started;
  auto job = job_for(id, spec, run);
  if (!job) {
    auto result = judge(JobFacts{}, not_started(job.error().what), nullptr);
    result.started = started.wall;
    result.duration = Clock::now() - started.mono;
    result.log_file = m_jobs.log_file(spec, run);
    m_done.push_back(Finished{id, std::move(result)});
    return;
  }
  auto test = std::make_unique<Active>(std::move(*job), m_jobs.options().tail_bytes, started);
  if (auto launched = launch(*test); !launched) {
    m_done.push_back(Finished{id, finish(*test, not_started(launched.error().what))});
    return;
  }
  m_active.emplace(id, std::move(test));
  // The test is on its way: a good moment for what may wait for the disk.
  m_last_references.clear();
}

util::Status ProcessRunner::launch(Active& test) {
  Job& job = test.job;
  if (job.log_file) {
    if (auto status = test.output.capture().add_file(*job.log_file); !status) {
      return util::unexpected(fmt::format("cannot write the log: {}", status.error().what));
    }
  }
  if (job.report_output) {
    if (auto status = test.output.capture().add_file(*job.report_output); !status) {
      return util::unexpected(fmt::format("cannot write the output: {}", status.error().what));
    }
  }
  // An Output=TAP test's stderr has a pipe of its own, so that nothing written there can cut a
  // TAP line. Other tests write both streams to one pipe, which keeps their exact order (two
  // pipes cannot tell it).
  util::Pipe out;
  util::Pipe err;
  if (!util::make_pipe(out, util::ReadEnd::nonblocking) ||
      (job.spec->output_tap && !util::make_pipe(err, util::ReadEnd::nonblocking))) {
    return util::unexpected(fmt::format("cannot create a pipe: {}", util::errno_text(errno)));
  }
  job.request.output_fd = out.write.get();
  job.request.error_fd = err.write.get();
  auto tree = process::Tree::spawn(m_spawner, job.request);
  job.request.output_fd = -1;
  job.request.error_fd = -1;
  if (!tree) {
    return util::unexpected(tree.error());
  }
  // Only the test holds the write ends now.
  out.write.reset();
  err.write.reset();
  std::optional<Clock::time_point> deadline;
  if (job.facts.timeout.count() > 0) {
    deadline = test.started.mono + job.facts.timeout;
  }
  // Its stacks are taken before its deadline stops it, its core read when it crashes.
  m_watcher.add(Watched{.id = job.id,
                        .tree = std::move(*tree),
                        .out = std::move(out.read),
                        .err = std::move(err.read),
                        .deadline = deadline,
                        .sink = &test.output,
                        .stop_bound = m_jobs.options().kill_grace + monitor_margin,
                        .diagnoser = m_jobs.options().diagnoser,
                        .work_dir = job.facts.host_work_dir,
                        .program = job.facts.program,
                        .started = test.started.wall});
  return util::Ok{};
}

core::TestResult ProcessRunner::finish(Active& test, const Ending& ending) {
  test.job.servers.reset(); // the test's own display and bus, if any
  if (ending.status.exec_errno == EACCES) {
    // Why it was refused: a file nobody may execute, or one this user cannot reach.
    test.job.facts.program_mode = process::file_mode(test.job.facts.program);
  }
  core::TestResult result = judge(test.job.facts, ending, test.output.tally());
  result.started = test.started.wall;
  result.duration = Clock::now() - test.started.mono;
  OutputCapture& capture = test.output.capture();
  result.output_bytes = capture.total_bytes();
  result.output_tail = capture.tail(1000);
  capture.close_files();
  result.log_file = test.job.log_file;
  // A log cut short, or a FIFO found in its place, is said with the result.
  if (const auto& log = test.job.log_file) {
    result.log_incomplete = !capture.complete(*log);
    add_notes(result, capture.notes(*log, fmt::format("log {}", log->string())));
  }
  result.backtrace = ending.backtrace;
  add_notes(result, ending.notes);
  // The core, if read from the test's directory, goes or stays with it.
  const auto core_in_dir = core_file_in(test.job.facts.host_work_dir, result.backtrace);
  m_jobs.settle(test.job, result, m_last_references);
  if (core_in_dir) {
    keep_core(*core_in_dir, result, m_jobs.options().max_core_size);
  }
  // Likewise the output kept as output.txt (only then: otherwise it is gone).
  if (test.job.report_output && result.kept_dir) {
    add_notes(result,
              capture.notes(*test.job.report_output, (*result.kept_dir / "output.txt").string()));
  }
  return result;
}

Event ProcessRunner::wait() {
  while (m_done.empty()) {
    if (!m_progress.empty()) {
      Progress next = m_progress.front();
      m_progress.pop_front();
      return next;
    }
    if (m_active.empty()) {
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

std::vector<Finished> ProcessRunner::abort(int signo, const KillingNow& killing_now) {
  m_prepared.reset(); // its directory goes now
  m_watcher.terminate_all(signo);
  bool killing = false;
  while (!m_active.empty()) {
    // The user who presses Ctrl-C again will not wait for the grace period: it ends now. Any
    // further signal changes nothing.
    if (const int again = poll_once(); again != 0 && !killing) {
      killing = true;
      killing_now(again);
      m_watcher.kill_all();
    }
  }
  m_progress.clear();
  std::vector<Finished> out{std::make_move_iterator(m_done.begin()),
                            std::make_move_iterator(m_done.end())};
  m_done.clear();
  return out;
}

int ProcessRunner::poll_once() {
  m_last_references.clear(); // before waiting, if no test was started since
  Woken woken = m_watcher.poll_once(next_progress());
  for (const Ended& ended : woken.ended) {
    const auto it = m_active.find(ended.id);
    Ending ending;
    ending.interrupted_by = ended.interrupted_by;
    ending.timed_out = ended.timed_out;
    ending.status = ended.status;
    ending.backtrace = std::move(ended.backtrace);
    ending.notes = std::move(ended.notes);
    m_done.push_back(Finished{ended.id, finish(*it->second, ending)});
    m_active.erase(it);
  }
  queue_progress();
  return woken.stop_signal;
}

std::optional<Clock::time_point> ProcessRunner::next_progress() const {
  std::optional<Clock::time_point> next;
  for (const auto& [id, test] : m_active) {
    if (test->progress_pending()) {
      const auto due = test->reported_at + progress_interval;
      if (!next || due < *next) {
        next = due;
      }
    }
  }
  return next;
}

// Progress of TAP tests, a few times a second at most.
void ProcessRunner::queue_progress() {
  const auto now = Clock::now();
  for (auto& [id, test] : m_active) {
    if (test->progress_pending() && now - test->reported_at >= progress_interval) {
      const tap::Tally* tally = test->output.tally();
      test->reported_points = tally->counts().points;
      test->reported_at = now;
      m_progress.push_back(Progress{id, test->reported_points, tally->planned()});
    }
  }
}

} // namespace ginsttest::runner
