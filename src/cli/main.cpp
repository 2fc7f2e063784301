// ginsttest-runner: runs GNOME-style installed tests.
//
// The run is one pipeline (DESIGN.md section 2): options -> discovery -> plan -> run -> results
// -> reporters; run() below reads in that order, one step a function.

#include "cli/affected.hpp"
#include "cli/history_recorder.hpp"
#include "cli/merge.hpp"
#include "cli/options.hpp"
#include "core/outcome.hpp"
#include "diagnose/diagnoser.hpp"
#include "discovery/order.hpp"
#include "discovery/plan.hpp"
#include "discovery/roots.hpp"
#include "discovery/scan.hpp"
#include "discovery/select.hpp"
#include "discovery/shard.hpp"
#include "discovery/test_file.hpp"
#include "history/baseline.hpp"
#include "history/history.hpp"
#include "process/spawner.hpp"
#include "report/console.hpp"
#include "report/escape.hpp"
#include "report/journal.hpp"
#include "report/json.hpp"
#include "report/junit.hpp"
#include "report/tap.hpp"
#include "report/terminal.hpp"
#include "report/tmt.hpp"
#include "runner/process_runner.hpp"
#include "scheduler/scheduler.hpp"
#include "session/session.hpp"
#include "util/environment.hpp"

#include "config.h"

#include <fmt/format.h>
#include <glib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>

namespace ginsttest {
namespace {

// The runner's own messages may name what a test or its files are called: shown like the
// console shows a test's text, without their control characters. A warning is one line, so a
// name cannot add one; an error may end with a server's log.
int fail(std::string_view message) {
  fmt::print(stderr, "ginsttest-runner: {}\n", report::terminal_text(message));
  return static_cast<int>(core::ExitCode::runner_error);
}

void warn(std::string_view message) {
  fmt::print(stderr, "ginsttest-runner: warning: {}\n", report::terminal_line(message));
}

// --log-msgid: only logs its messages, as gdtr does (a helper for scripts).
int log_messages(const core::Config& config) {
  for (const auto& entry : config.log_msgids) {
    const auto eq = entry.find('=');
    if (auto status = report::log_with_message_id(entry.substr(0, eq), entry.substr(eq + 1));
        !status) {
      return fail(status.error().what);
    }
  }
  return 0;
}

// The installed tests whose names are selected, found but not yet read.
util::Expected<discovery::Catalog> find_tests(const core::Config& config) {
  const char* xdg = std::getenv("XDG_DATA_DIRS");
  const auto data_dirs = discovery::data_dirs(config.data_dirs, xdg ? xdg : "", config.first_root);
  auto roots = discovery::installed_test_roots(data_dirs);
  if (roots.empty()) {
    std::string searched;
    for (const auto& dir : data_dirs) {
      searched += (searched.empty() ? "" : ", ") + (dir / "installed-tests").string();
    }
    return util::unexpected(fmt::format("no installed-tests directory found (looked for {})",
                                        searched.empty() ? "nothing" : searched));
  }
  auto selector = discovery::Selector::create(config.prefixes, config.excludes);
  if (!selector) {
    return util::unexpected(selector.error());
  }
  std::vector<std::string> warnings;
  auto catalog = discovery::scan(std::move(roots), warnings);
  for (const auto& warning : warnings) {
    warn(fmt::format("cannot read {}", warning));
  }
  std::erase_if(catalog.files,
                [&](const discovery::TestFile& file) { return !selector->selects(file.name); });
  return catalog;
}

// --list: "NAME (ROOT)" in gdtr's order (and with --explain, why); runs nothing.
int list_tests(const core::Config& config, const discovery::Catalog& catalog,
               const cli::AffectedTests& affected) {
  std::vector<core::TestSpec> listed;
  for (const auto& file : catalog.files) {
    listed.push_back(discovery::load_test_file(catalog.locate(file)));
  }
  discovery::sort_for_listing(listed);
  affected.put_symbol_users_first(listed);
  // As the console shows them: a name is one line, without control characters.
  for (const auto& test : listed) {
    fmt::print("{} ({})\n", report::terminal_line(test.name),
               report::terminal_line(test.root.string()));
    if (const auto why = affected.explanation(test.name); config.explain && !why.empty()) {
      fmt::print("    {}\n", report::terminal_line(why));
    }
  }
  return 0;
}

// --baseline: the earlier run that tells regressions from known failures.
util::Expected<std::optional<history::Baseline>> load_baseline(const core::Config& config) {
  if (!config.baseline) {
    return std::optional<history::Baseline>{};
  }
  auto loaded = history::Baseline::load(*config.baseline);
  if (!loaded) {
    return util::unexpected(loaded.error());
  }
  return std::optional<history::Baseline>{std::move(*loaded)};
}

// --history: what earlier runs took and how they ended. A file that cannot be read or is not
// a history is a warning: the run goes on without one, and leaves that file as it is.
std::optional<history::History> load_history(const core::Config& config) {
  if (!config.history) {
    return std::nullopt;
  }
  auto loaded = history::History::load(*config.history);
  if (!loaded) {
    warn(fmt::format("{}; the run goes on without a history", loaded.error().what));
    return std::nullopt;
  }
  return std::move(*loaded);
}

// Adds the run's results to the history file, when the run has one.
void save_history(const core::Config& config, const std::optional<history::History>& history) {
  if (history) {
    // The default file of a user without a writable home (nobody's /nonexistent) is not worth a
    // word on every run: a harness may count any line on stderr as a failure.
    auto saved = history->save(*config.history);
    if (!saved && (config.history_named || saved.error().kind != util::ErrorKind::io)) {
      warn(fmt::format("the history is not written: {}", saved.error().what));
    }
  }
}

// What the history says test `file` takes; nullopt without a history or when it does not know.
std::optional<std::chrono::milliseconds>
recorded_duration(const history::History* history, const std::vector<std::filesystem::path>& roots,
                  const discovery::TestFile& file) {
  if (!history) {
    return std::nullopt;
  }
  return history->duration(roots.at(file.root).string(), file.name);
}

// --last-failed, then --shard: the part of the selected tests this run takes. As pytest's
// --lf, when none failed last time, all of them.
void narrow_selection(const core::Config& config, discovery::Catalog& catalog,
                      const history::History* history) {
  const auto failed_last = [&](const discovery::TestFile& file) {
    return history && history->failed_last(catalog.roots.at(file.root).string(), file.name);
  };
  if (config.last_failed) {
    if (std::any_of(catalog.files.begin(), catalog.files.end(), failed_last)) {
      std::erase_if(catalog.files, std::not_fn(failed_last));
    } else {
      fmt::print(stderr, "ginsttest-runner: --last-failed: none of the selected tests failed "
                         "last time; running them all\n");
    }
  }
  if (config.shard) {
    // A session-exclusive test holds every slot while it runs.
    const discovery::WeightOf weight = [&](const discovery::TestFile& file) {
      auto took = recorded_duration(history, catalog.roots, file);
      const auto* entry =
          history ? history->find(catalog.roots.at(file.root).string(), file.name) : nullptr;
      if (took && entry && entry->type == core::TestType::session_exclusive) {
        *took *= config.parallel;
      }
      return took;
    };
    discovery::keep_shard(catalog.files, *config.shard, weight);
  }
}

util::Status make_output_directories(const core::Config& config) {
  for (auto [dir, option] : {std::pair{&config.log_directory, "--log-directory"},
                             std::pair{&config.report_directory, "--report-directory"}}) {
    std::error_code ec;
    if (*dir && !std::filesystem::create_directories(**dir, ec) && ec) {
      return util::unexpected(fmt::format("{} {}: {}", option, (*dir)->string(), ec.message()));
    }
  }
  return util::Ok{};
}

// Ctrl-C, SIGTERM and SIGHUP reach the runner through a signalfd: blocked before the first
// child exists. Not sooner: until then nothing needs cleaning up, and Ctrl-C must still end a
// run stuck reading what the user named (a --baseline FIFO with no writer). One ignored when
// the runner starts (SIGHUP under nohup) stays ignored: the kernel discards it, signalfd or not.
void block_stop_signals() {
  const sigset_t handled = core::stop_signals();
  sigprocmask(SIG_BLOCK, &handled, nullptr);
}

// Log and report directories tests could change: what a test run later (or any process of the
// test user) could rename away and replace there, the runner cannot vouch for.
void warn_about_output_directories(const core::Config& config, const session::Session& session) {
  const auto& user = session.identity();
  for (auto [dir, option] : {std::pair{&config.log_directory, "--log-directory"},
                             std::pair{&config.report_directory, "--report-directory"}}) {
    if (user && *dir && session::may_change(**dir, *user)) {
      warn(fmt::format("{} {} is writable by {}, who runs the tests: a test could replace what "
                       "is written there (make it root's, mode 0755)",
                       option, (*dir)->string(), user->name));
    }
  }
}

// Who tests run as, their display and bus (started here when needed).
util::Expected<std::unique_ptr<session::Session>> start_session(const core::Config& config,
                                                                process::Spawner& spawner) {
  session::SessionOptions options;
  options.display = config.display;
  options.bus = config.bus;
  options.user = config.user;
  options.keep_root = config.as_root;
  options.private_tmp = config.private_tmp;
  options.environment = util::current_environment();
  std::vector<std::string> warnings;
  auto session = session::Session::start(std::move(options), spawner, warnings);
  for (const auto& warning : warnings) {
    warn(warning);
  }
  if (session) {
    warn_about_output_directories(config, **session);
  }
  return session;
}

// A reporter writing to `path`, when set.
template <typename FileReporter>
util::Status add_file_reporter(report::FanOut& reporters,
                               const std::optional<std::filesystem::path>& path) {
  if (path) {
    auto reporter = FileReporter::open(*path);
    if (!reporter) {
      return util::unexpected(reporter.error());
    }
    reporters.add(std::move(*reporter));
  }
  return util::Ok{};
}

// Every reporter of the run: the console (on stderr when stdout carries TAP), the TAP stream,
// the journal, the report files, and tmt's results when run as a tmt test.
util::Expected<report::FanOut> make_reporters(const core::Config& config) {
  report::FanOut reporters;
  report::ConsoleOptions console;
  console.out = config.tap ? stderr : stdout;
  const int console_fd = fileno(console.out);
  // As gdtr: the events go to the journal whenever one is running, as structured messages a
  // host reads by MESSAGE_ID; when stdout is the journal too, the console keeps only the
  // failures and the summary, so nothing is logged twice.
  const bool journal_running = report::journal_is_running();
  const bool journal = config.journal == core::StatusMode::yes ||
                       (config.journal == core::StatusMode::automatic && journal_running);
  if (config.journal == core::StatusMode::yes && !journal_running) {
    // libsystemd drops messages without an error when journald is not running: say it once.
    warn(fmt::format("no journal ({} is missing, or nobody listens there); the run's journal "
                     "messages are lost",
                     report::journal_socket));
  }
  console.quiet = config.quiet || (journal && report::stdout_is_journal() && !config.tap);
  console.progress =
      config.status == core::StatusMode::yes ||
      (config.status == core::StatusMode::automatic && report::is_smart_terminal(console_fd));
  console.colour = report::wants_colour(console_fd);
  console.output_lines = config.output_lines;
  console.slowest = config.slowest;
  console.width = report::terminal_width(console_fd);
  reporters.add(std::make_unique<report::Console>(console));
  if (config.tap) {
    reporters.add(std::make_unique<report::Tap>(stdout));
  }
  if (journal) {
    reporters.add(std::make_unique<report::Journal>(report::new_run_id()));
  }
  // One after the other: a file that cannot be written stops the run before the next is made.
  auto status = add_file_reporter<report::Json>(reporters, config.json);
  if (status) {
    status = add_file_reporter<report::Junit>(reporters, config.junit);
  }
  if (status) {
    status = add_file_reporter<report::Tmt>(reporters, config.tmt_data);
  }
  if (!status) {
    return util::unexpected(status.error());
  }
  return reporters;
}

// What the run does when a test hangs or crashes (--backtraces): its tools are looked for on the
// tests' PATH, and run with the tests' environment.
diagnose::Diagnoser make_diagnoser(const core::Config& config, const session::Session& session) {
  diagnose::DiagnoseOptions options;
  options.backtraces = config.backtraces;
  options.timeout = config.backtrace_timeout;
  options.env = session.environment();
  options.search_path = util::lookup(options.env, "PATH");
  if (options.search_path.empty()) {
    options.search_path = "/usr/bin:/bin";
  }
  std::vector<std::string> warnings;
  auto diagnoser = diagnose::Diagnoser::create(options, warnings);
  for (const auto& warning : warnings) {
    warn(warning);
  }
  return diagnoser;
}

runner::ProcessRunnerOptions runner_options(const core::Config& config, session::Session& session,
                                            diagnose::Diagnoser& diagnoser) {
  runner::ProcessRunnerOptions options;
  options.diagnoser = &diagnoser;
  options.max_core_size = config.max_core_size;
  options.timeout = config.timeout;
  options.kill_grace = config.kill_grace;
  options.log_directory = config.log_directory;
  options.report_directory = config.report_directory;
  options.temp_base = g_get_tmp_dir();
  // TMT_TEST_DATA is the runner's, not the tests': a test that runs a runner must not write
  // over this run's results.
  options.base_env = util::without(session.environment(), "TMT_TEST_DATA");
  if (const auto& identity = session.identity()) {
    options.credentials = identity->credentials;
  }
  options.private_tmp = session.private_tmp();
  if (config.fresh_exclusive_session) {
    options.fresh_servers = &session;
  }
  return options;
}

// gdtr's exit codes: 128+N after signal N, 2 when a test failed (with a baseline: regressed),
// 1 when a report could not be written, else 0.
int exit_status(const core::RunSummary& summary, const std::vector<std::string>& write_errors) {
  for (const auto& error : write_errors) {
    fmt::print(stderr, "ginsttest-runner: cannot write a report: {}\n",
               report::terminal_text(error));
  }
  if (summary.interrupted_by) {
    return core::exit_code_for_signal(*summary.interrupted_by);
  }
  if (summary.tests_failed()) {
    return static_cast<int>(core::ExitCode::tests_failed);
  }
  return static_cast<int>(write_errors.empty() ? core::ExitCode::success
                                               : core::ExitCode::runner_error);
}

// --merge: the --json files of earlier runs (the shards of one pipeline) reported as one run;
// nothing is discovered, started or run. Every file is read before a report is opened: one of
// them may be a report's own file.
int merge_runs(const core::Config& config) {
  auto runs = cli::MergedRuns::read(config.merge);
  if (!runs) {
    return fail(runs.error().what);
  }
  for (const auto& warning : runs->warnings()) {
    warn(warning);
  }
  auto reporters = make_reporters(config);
  if (!reporters) {
    return fail(reporters.error().what);
  }
  // The merged results go to the history too: the job that gathers the shards keeps it.
  auto history = load_history(config);
  if (history) {
    reporters->add(std::make_unique<cli::HistoryRecorder>(*history));
  }
  const auto summary = runs->replay(*reporters);
  save_history(config, history);
  return exit_status(summary, reporters->write_errors());
}

// Runs the plan in the session and reports it; returns the exit status.
int run_plan(const core::Config& config, const discovery::Plan& plan,
             const scheduler::SpecLoader& load, const std::optional<history::Baseline>& baseline,
             std::optional<history::History>& history) {
  // The run: the spawner helper starts each test under a monitor of its own, in the session.
  block_stop_signals();
  // Every process tree in a PID namespace of its own, the servers' too: then neither a test nor
  // a service the bus starts for one (which runs where the bus does) can see or signal another
  // test, a server or the host's processes.
  auto private_pids = session::use_private_pids(config.private_pids);
  if (!private_pids) {
    return fail(private_pids.error().what);
  }
  auto spawner = process::Spawner::start(*private_pids);
  if (!spawner) {
    return fail(spawner.error().what);
  }
  auto session = start_session(config, *spawner);
  if (!session) {
    const int status = fail(session.error().what);
    if (session.error().kind != util::ErrorKind::interrupted) {
      return status;
    }
  }
  auto reporters = make_reporters(config);
  if (!reporters) {
    return fail(reporters.error().what);
  }
  if (history) {
    reporters->add(std::make_unique<cli::HistoryRecorder>(*history));
  }
  reporters->run_started(
      report::RunInfo{plan.size(), config.parallel, plan.seed(), plan.longest_first()});
  if (!session) {
    // Interrupted while a server was starting: every test reported as not run, and the usual
    // status for the signal.
    const auto summary =
        scheduler::cancel_run(*reporters, plan.size(), load, session.error().signal);
    return exit_status(summary, reporters->write_errors());
  }
  auto diagnoser = make_diagnoser(config, **session);
  auto process_runner =
      runner::ProcessRunner::create(runner_options(config, **session, diagnoser), *spawner);
  if (!process_runner) {
    return fail(process_runner.error().what);
  }
  scheduler::Scheduler scheduler{**process_runner, *reporters, config.parallel};
  if (baseline) {
    scheduler.compare_with([&](const core::TestSpec& spec, core::Outcome now) {
      return baseline->compare(spec.name, now);
    });
  }
  scheduler.rerun(scheduler::Reruns{config.retries, config.repeats});
  const core::RunSummary summary = scheduler.run(plan.size(), load);
  save_history(config, history);

  // Results: the exit status, 1 when a report could not be written unless the tests say more.
  return exit_status(summary, reporters->write_errors());
}

int run(int argc, char** argv) {
  // Options: a bad one ends the run with status 1, as in gdtr.
  auto command_line = cli::parse_command_line(argc, argv);
  if (!command_line) {
    return fail(command_line.error().what);
  }
  if (command_line->version) {
    fmt::print("ginsttest-runner {}\n", GINSTTEST_VERSION);
    return 0;
  }
  const core::Config& config = command_line->config;
  if (!config.log_msgids.empty()) {
    return log_messages(config);
  }
  // A closed pipe must not kill the runner mid-report.
  signal(SIGPIPE, SIG_IGN);
  if (!config.merge.empty()) {
    return merge_runs(config);
  }

  // Discovery: roots, .test files, prefixes and exclusions, then what a change affects.
  auto catalog = find_tests(config);
  if (!catalog) {
    return fail(catalog.error().what);
  }
  const auto affected = cli::select_affected(config, *catalog);
  if (!affected) {
    return fail(affected.error().what);
  }
  // History: what earlier runs took and how they ended, for --last-failed, --shard and the order.
  auto history = load_history(config);
  const history::History* known = history ? &*history : nullptr;
  narrow_selection(config, *catalog, known);
  if (config.list) {
    return list_tests(config, *catalog, *affected);
  }
  const auto baseline = load_baseline(config);
  if (!baseline) {
    return fail(baseline.error().what);
  }

  // The plan: longest first when the history knows the tests (the slots stay busy to the end),
  // else shuffled as gdtr does, with a seed that is printed and can be replayed; last time's
  // failures first with --failed-first; tests using changed symbols first.
  const auto roots = catalog->roots;
  const discovery::DurationOf duration = [&](const discovery::TestFile& file) {
    return recorded_duration(known, roots, file);
  };
  auto plan = discovery::Plan::make(std::move(*catalog), config.order, config.seed, duration);
  if (config.failed_first && known) {
    discovery::failed_first(plan.tests(), [&](const discovery::TestFile& file) {
      return known->failed_last(roots.at(file.root).string(), file.name);
    });
  }
  affected->put_symbol_users_first(plan.tests());
  // Each .test file is read when its turn comes: memory does not grow with the plan.
  const scheduler::SpecLoader load = [&](std::size_t index) {
    auto spec = plan.load(index);
    if (config.explain) {
      spec.selected_because = affected->explanation(spec.name);
    }
    return spec;
  };
  if (auto made = make_output_directories(config); !made) {
    return fail(made.error().what);
  }

  // The run, then its results.
  return run_plan(config, plan, load, *baseline, history);
}

} // namespace
} // namespace ginsttest

int main(int argc, char** argv) {
  try {
    return ginsttest::run(argc, argv);
  } catch (const std::exception& e) {
    return ginsttest::fail(e.what());
  }
}
