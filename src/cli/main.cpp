// ginsttest-runner: runs GNOME-style installed tests.
//
// The run is one pipeline: options -> discovery -> plan -> run -> results -> reporters.

#include "cli/affected.hpp"
#include "cli/options.hpp"
#include "core/outcome.hpp"
#include "discovery/order.hpp"
#include "discovery/roots.hpp"
#include "discovery/scan.hpp"
#include "discovery/select.hpp"
#include "discovery/test_file.hpp"
#include "history/baseline.hpp"
#include "process/spawner.hpp"
#include "report/console.hpp"
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

#include <cstdlib>
#include <exception>
#include <filesystem>

namespace ginsttest {
namespace {

int fail(std::string_view message) {
  fmt::print(stderr, "ginsttest-runner: {}\n", message);
  return static_cast<int>(core::ExitCode::runner_error);
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
    fmt::print(stderr, "ginsttest-runner: warning: cannot read {}\n", warning);
  }
  std::erase_if(catalog.files,
                [&](const discovery::TestFile& file) { return !selector->selects(file.name); });
  return catalog;
}

util::Status make_directory(const std::optional<std::filesystem::path>& dir, const char* option) {
  std::error_code ec;
  if (dir && !std::filesystem::create_directories(*dir, ec) && ec) {
    return util::unexpected(fmt::format("{} {}: {}", option, dir->string(), ec.message()));
  }
  return util::Ok{};
}

int run(int argc, char** argv) {
  // Read the options; a bad one ends the run with status 1, as in gdtr.
  auto command_line = cli::parse_command_line(argc, argv);
  if (!command_line) {
    return fail(command_line.error().what);
  }
  if (command_line->version) {
    fmt::print("ginsttest-runner {}\n", GINSTTEST_VERSION);
    return 0;
  }
  core::Config& config = command_line->config;

  // --log-msgid only logs its messages and exits, as gdtr does (a helper for scripts).
  if (!config.log_msgids.empty()) {
    for (const auto& entry : config.log_msgids) {
      const auto eq = entry.find('=');
      if (auto status = report::log_with_message_id(entry.substr(0, eq), entry.substr(eq + 1));
          !status) {
        return fail(status.error().what);
      }
    }
    return 0;
  }

  // A closed pipe must not kill the runner mid-report.
  signal(SIGPIPE, SIG_IGN);

  // Find the tests: roots, .test files, prefixes and exclusions.
  auto catalog = find_tests(config);
  if (!catalog) {
    return fail(catalog.error().what);
  }
  auto& plan = catalog->files;

  // Keep only the tests a change affects (--affected-by), those using its symbols first.
  const auto affected = cli::select_affected(config, *catalog);
  if (!affected) {
    return fail(affected.error().what);
  }

  // --list prints "NAME (ROOT)" in gdtr's order (and --explain why) and runs nothing.
  if (config.list) {
    std::vector<core::TestSpec> listed;
    for (const auto& file : plan) {
      listed.push_back(discovery::load_test_file(catalog->locate(file)));
    }
    discovery::sort_for_listing(listed);
    affected->put_symbol_users_first(listed);
    for (const auto& test : listed) {
      fmt::print("{} ({})\n", test.name, test.root.string());
      if (const auto why = affected->explanation(test.name); config.explain && !why.empty()) {
        fmt::print("    {}\n", why);
      }
    }
    return 0;
  }

  // --baseline: the earlier run that tells regressions from known failures.
  std::optional<history::Baseline> baseline;
  if (config.baseline) {
    auto loaded = history::Baseline::load(*config.baseline);
    if (!loaded) {
      return fail(loaded.error().what);
    }
    baseline = std::move(*loaded);
  }

  // Order the plan: shuffled as gdtr does, but with a seed that is printed and can be replayed.
  std::optional<std::uint64_t> seed;
  if (config.order == core::Order::random) {
    seed = config.seed.value_or(discovery::random_seed());
    discovery::shuffle(plan, *seed);
  } else {
    discovery::sort_by_name(plan);
  }
  affected->put_symbol_users_first(plan);

  // Run as a tmt test (`result: custom`): results.yaml goes to $TMT_TEST_DATA, and each test's
  // log next to it unless -L says where.
  std::optional<std::filesystem::path> tmt_data;
  if (const char* dir = std::getenv("TMT_TEST_DATA"); dir && *dir) {
    tmt_data = dir;
    if (!config.log_directory) {
      config.log_directory = *tmt_data / "logs";
    }
  }

  for (auto [dir, option] : {std::pair{&config.log_directory, "--log-directory"},
                             std::pair{&config.report_directory, "--report-directory"}}) {
    if (auto status = make_directory(*dir, option); !status) {
      return fail(status.error().what);
    }
  }

  // Reporters: the console (on stderr when stdout carries TAP), the TAP stream, the files asked
  // for, tmt's results when run as a tmt test, and the journal.
  report::FanOut reporters;
  report::ConsoleOptions console;
  console.out = config.tap ? stderr : stdout;
  const int console_fd = fileno(console.out);
  // As gdtr: the events go to the journal whenever one is running, as structured messages a
  // host reads by MESSAGE_ID; when stdout is the journal too, the console keeps only the
  // failures and the summary, so nothing is logged twice.
  const bool stdout_journal = report::stdout_is_journal();
  const bool journal_running = report::journal_is_running();
  const bool journal = config.journal == core::StatusMode::yes ||
                       (config.journal == core::StatusMode::automatic && journal_running);
  if (config.journal == core::StatusMode::yes && !journal_running) {
    // libsystemd drops messages without an error when journald is not running: say it once.
    fmt::print(stderr,
               "ginsttest-runner: warning: no journal ({} is missing, or nobody listens there); "
               "the run's journal messages are lost\n",
               report::journal_socket);
  }
  console.quiet = config.quiet || (journal && stdout_journal && !config.tap);
  console.progress =
      config.status == core::StatusMode::yes ||
      (config.status == core::StatusMode::automatic && report::is_smart_terminal(console_fd));
  console.colour = report::wants_colour(console_fd);
  console.output_lines = config.output_lines;
  console.width = report::terminal_width(console_fd);
  reporters.add(std::make_unique<report::Console>(console));
  if (config.tap) {
    reporters.add(std::make_unique<report::Tap>(stdout));
  }
  if (journal) {
    reporters.add(std::make_unique<report::Journal>(report::new_run_id()));
  }

  // Ctrl-C and SIGTERM reach the runner through a signalfd, so block them before the first
  // child exists. Not sooner: until here nothing needs cleaning up, and Ctrl-C must still end
  // a run stuck reading what the user named (a --baseline FIFO with no writer).
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGTERM);
  sigprocmask(SIG_BLOCK, &handled, nullptr);

  // Run the plan; the spawner helper starts each test under a monitor of its own.
  auto spawner = process::Spawner::start();
  if (!spawner) {
    return fail(spawner.error().what);
  }
  // The session: who tests run as, their display and bus (started here when needed).
  session::SessionOptions session_options;
  session_options.display = config.display;
  session_options.bus = config.bus;
  session_options.user = config.user;
  session_options.keep_root = config.as_root;
  session_options.private_tmp = config.private_tmp;
  session_options.environment = util::current_environment();
  std::vector<std::string> warnings;
  auto session = session::Session::start(std::move(session_options), *spawner, warnings);
  for (const auto& warning : warnings) {
    fmt::print(stderr, "ginsttest-runner: warning: {}\n", warning);
  }
  if (!session && session.error().kind == util::ErrorKind::interrupted) {
    // Interrupted while a server was starting: the usual status for the signal, and the TAP
    // stream and the journal still completed, every test in them as not run.
    const int signo = session.error().signal;
    fail(session.error().what);
    reporters.run_started(report::RunInfo{plan.size(), config.parallel, seed});
    for (const auto& file : plan) {
      reporters.test_not_run(discovery::load_test_file(catalog->locate(file)), signo);
    }
    core::RunSummary summary;
    summary.total = plan.size();
    summary.interrupted_by = signo;
    reporters.run_finished(summary);
    return core::exit_code_for_signal(signo);
  }
  if (!session) {
    return fail(session.error().what);
  }

  runner::ProcessRunnerOptions options;
  options.timeout = config.timeout;
  options.kill_grace = config.kill_grace;
  options.log_directory = config.log_directory;
  options.report_directory = config.report_directory;
  options.temp_base = g_get_tmp_dir();
  // TMT_TEST_DATA is the runner's, not the tests': a test that runs a runner must not write
  // over this run's results.
  options.base_env = util::without((*session)->environment(), "TMT_TEST_DATA");
  if (const auto& identity = (*session)->identity()) {
    options.credentials = identity->credentials;
  }
  options.private_tmp = (*session)->private_tmp();
  if (config.fresh_exclusive_session) {
    options.fresh_servers = session->get();
  }
  auto process_runner = runner::ProcessRunner::create(std::move(options), *spawner);
  if (!process_runner) {
    return fail(process_runner.error().what);
  }
  // The report files, opened once the run can start: a run that could not start leaves none,
  // rather than empty ones.
  if (config.json) {
    auto json = report::Json::open(*config.json);
    if (!json) {
      return fail(json.error().what);
    }
    reporters.add(std::move(*json));
  }
  if (config.junit) {
    auto junit = report::Junit::open(*config.junit);
    if (!junit) {
      return fail(junit.error().what);
    }
    reporters.add(std::move(*junit));
  }
  if (tmt_data) {
    auto tmt = report::Tmt::open(*tmt_data);
    if (!tmt) {
      return fail(tmt.error().what);
    }
    reporters.add(std::move(*tmt));
  }
  reporters.run_started(report::RunInfo{plan.size(), config.parallel, seed});
  scheduler::Scheduler scheduler{**process_runner, reporters, config.parallel};
  if (baseline) {
    scheduler.compare_with([&](const core::TestSpec& spec, core::Outcome now) {
      return baseline->compare(spec.name, now);
    });
  }
  // Each .test file is read when its turn comes: memory does not grow with the plan.
  const core::RunSummary summary = scheduler.run(plan.size(), [&](std::size_t index) {
    auto spec = discovery::load_test_file(catalog->locate(plan[index]));
    if (config.explain) {
      spec.selected_because = affected->explanation(spec.name);
    }
    return spec;
  });

  // A report that could not be written is the runner failing at its job: status 1 unless the
  // tests already say more.
  const auto write_errors = reporters.write_errors();
  for (const auto& error : write_errors) {
    fmt::print(stderr, "ginsttest-runner: cannot write a report: {}\n", error);
  }

  // Map the outcome to gdtr's exit codes (128+N after a signal).
  if (summary.interrupted_by) {
    return core::exit_code_for_signal(*summary.interrupted_by);
  }
  // With a baseline, only regressions fail the run.
  if (summary.tests_failed()) {
    return static_cast<int>(core::ExitCode::tests_failed);
  }
  return static_cast<int>(write_errors.empty() ? core::ExitCode::success
                                               : core::ExitCode::runner_error);
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
