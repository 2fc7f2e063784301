#include "cli/options.hpp"

#include "core/defaults.hpp"
#include "history/history.hpp"
#include "report/journal.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace ginsttest::cli {
namespace {

// GOption hands back C strings and arrays; this owns them for the parse.
struct RawOptions {
  char** dirs = nullptr;
  gboolean first_root = FALSE;
  gboolean list = FALSE;
  char* log_directory = nullptr;
  char* report_directory = nullptr;
  char* status = nullptr;
  gint timeout = static_cast<gint>(core::defaults::timeout.count());
  gdouble kill_grace = std::chrono::duration<double>(core::defaults::kill_grace).count();
  gboolean quiet = FALSE;
  gboolean tap = FALSE;
  char* json = nullptr;
  char* junit = nullptr;
  char* journal = nullptr;
  char** excludes = nullptr;
  char** log_msgids = nullptr;
  char* seed = nullptr;
  char* order = nullptr;
  gint output_lines = static_cast<gint>(core::defaults::output_lines);
  gboolean version = FALSE;
  char* display = nullptr;
  char* bus = nullptr;
  char* user = nullptr;
  gboolean as_root = FALSE;
  char* private_tmp = nullptr;
  char* private_pids = nullptr;
  char* exclusive_session = nullptr;
  char** affected_by = nullptr;
  char** changed_symbols = nullptr;
  gboolean explain = FALSE;
  char* baseline = nullptr;
  char* history = nullptr;
  gboolean failed_first = FALSE;
  gboolean last_failed = FALSE;
  gint slowest = 0;
  gint retry = 0;
  gint repeat = 1;
  char* shard = nullptr;
  char** merge = nullptr;
  char* backtraces = nullptr;
  gdouble backtrace_timeout =
      std::chrono::duration<double>(core::defaults::backtrace_timeout).count();
  char* max_core_size = nullptr;
  // -p: unset = 1, given without a value = 0 (one per CPU)
  gint parallel = 1;

  ~RawOptions() {
    g_strfreev(dirs);
    g_free(log_directory);
    g_free(report_directory);
    g_free(status);
    g_strfreev(excludes);
    g_strfreev(log_msgids);
    g_free(seed);
    g_free(order);
    g_free(json);
    g_free(junit);
    g_free(journal);
    g_free(display);
    g_free(bus);
    g_free(user);
    g_free(private_tmp);
    g_free(private_pids);
    g_free(exclusive_session);
    g_strfreev(affected_by);
    g_strfreev(changed_symbols);
    g_free(baseline);
    g_free(history);
    g_free(shard);
    g_strfreev(merge);
    g_free(backtraces);
    g_free(max_core_size);
  }
};

// -p's value; `data` is the RawOptions of the parse (the option group's user data).
gboolean on_parallel(const char* /*name*/, const char* value, gpointer data, GError** error) {
  auto* raw = static_cast<RawOptions*>(data);
  if (value == nullptr || *value == '\0') {
    raw->parallel = 0;
    return TRUE;
  }
  int n = 0;
  const auto end = value + std::strlen(value);
  const auto [ptr, ec] = std::from_chars(value, end, n);
  if (ec != std::errc{} || ptr != end || n < 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "Cannot parse integer value “%s” for --parallel", value);
    return FALSE;
  }
  raw->parallel = n;
  return TRUE;
}

util::Expected<core::StatusMode> yes_no_auto(const char* option, const char* value) {
  const std::string_view mode = value ? value : "auto";
  if (mode == "auto") {
    return core::StatusMode::automatic;
  }
  if (mode == "yes") {
    return core::StatusMode::yes;
  }
  if (mode == "no") {
    return core::StatusMode::no;
  }
  return util::unexpected(
      fmt::format("invalid --{} '{}' (expected yes, no or auto)", option, mode));
}

util::Expected<core::FixtureMode> fixture_mode(const char* option, const char* value) {
  const std::string_view mode = value ? value : "auto";
  if (mode == "auto") {
    return core::FixtureMode::automatic;
  }
  if (mode == "host") {
    return core::FixtureMode::host;
  }
  if (mode == "own") {
    return core::FixtureMode::own;
  }
  if (mode == "none") {
    return core::FixtureMode::none;
  }
  return util::unexpected(
      fmt::format("invalid --{} '{}' (expected auto, host, own or none)", option, mode));
}

// --changed-symbols=A,B or @FILE (one name a line; blank lines and # comments skipped).
util::Status add_symbols(std::string_view value, std::set<std::string>& symbols) {
  std::string text{value};
  if (value.starts_with('@')) {
    const std::string file{value.substr(1)};
    char* contents = nullptr;
    util::GErrorOut error;
    if (!g_file_get_contents(file.c_str(), &contents, nullptr, error.out())) {
      return util::unexpected(fmt::format("--changed-symbols: {}", error.message()));
    }
    util::GCharPtr owned{contents};
    text = contents;
  }
  for (auto& line : util::split(text, value.starts_with('@') ? '\n' : ',')) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') {
      continue;
    }
    const auto end = line.find_last_not_of(" \t\r");
    const std::string symbol = line.substr(start, end + 1 - start);
    if (symbol.find_first_of(" \t") != std::string::npos) {
      return util::unexpected(fmt::format("--changed-symbols: '{}' is not a symbol name", symbol));
    }
    symbols.insert(symbol);
  }
  return util::Ok{};
}

// The reverse-dependency options into `config`.
util::Status impact_options(const RawOptions& raw, core::Config& config) {
  for (char** what = raw.affected_by; what && *what; what++) {
    if (**what == '\0') {
      return util::unexpected("--affected-by needs a file, a SONAME or a package");
    }
    config.affected_by.emplace_back(*what);
  }
  for (char** value = raw.changed_symbols; value && *value; value++) {
    if (auto status = add_symbols(*value, config.changed_symbols); !status) {
      return status;
    }
  }
  config.explain = raw.explain;
  if (raw.baseline) {
    config.baseline = raw.baseline;
  }
  return util::Ok{};
}

// --history: FILE, none, or the default file.
util::Status history_options(const RawOptions& raw, core::Config& config) {
  if (raw.history && std::string_view{raw.history} == "none") {
    if (config.failed_first || config.last_failed) {
      return util::unexpected(fmt::format("{} needs a history (not --history=none)",
                                          config.last_failed ? "--last-failed" : "--failed-first"));
    }
    return util::Ok{};
  }
  if (raw.history && *raw.history == '\0') {
    return util::unexpected("--history needs a file, or none");
  }
  config.history = raw.history ? std::filesystem::path{raw.history} : history::default_file();
  config.history_named = raw.history != nullptr;
  return util::Ok{};
}

// The "default:" of --help, from the defaults themselves.
struct HelpTexts {
  explicit HelpTexts(const RawOptions& raw)
      : timeout(fmt::format("Stop a test after SECONDS (0: never; default: {})", raw.timeout)),
        kill_grace(
            fmt::format("Seconds between SIGTERM and SIGKILL when a test is stopped (default: {})",
                        raw.kill_grace)),
        output_lines(fmt::format("Lines of a failed test's output to print (default: {})",
                                 raw.output_lines)),
        backtrace_timeout(fmt::format("Seconds a capture of stacks may take (default: {})",
                                      raw.backtrace_timeout)),
        max_core_size(fmt::format("Keep no core larger than SIZE with --report-directory "
                                  "(K, M, G suffixes; default: {}M)",
                                  core::defaults::max_core_size / (1024 * 1024))) {}
  std::string timeout;
  std::string kill_grace;
  std::string output_lines;
  std::string backtrace_timeout;
  std::string max_core_size;
};

// Every option, its variable in `raw` and its --help line; the last entry ends the list.
std::vector<GOptionEntry> option_entries(RawOptions& raw, const HelpTexts& help) {
  return {
      {"dir", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &raw.dirs,
       "Only run tests from these data dirs (repeatable; default: $XDG_DATA_DIRS)", "DIR"},
      {"first-root", 0, 0, G_OPTION_ARG_NONE, &raw.first_root, "Only use the first data dir",
       nullptr},
      {"list", 'l', 0, G_OPTION_ARG_NONE, &raw.list, "List matching tests as NAME (ROOT)", nullptr},
      {"log-directory", 'L', 0, G_OPTION_ARG_FILENAME, &raw.log_directory,
       "Write each test's output to DIR/NAME.txt", "DIR"},
      {"report-directory", 0, 0, G_OPTION_ARG_FILENAME, &raw.report_directory,
       "Keep a subdirectory per failing test in DIR, with its output.txt", "DIR"},
      {"parallel", 'p', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
       reinterpret_cast<gpointer>(on_parallel),
       "Run up to N tests at once; no value or 0: one per CPU (default: 1)", "N"},
      {"status", 0, 0, G_OPTION_ARG_STRING, &raw.status,
       "Show a progress line: always, never or on a terminal (default)", "yes|no|auto"},
      {"timeout", 't', 0, G_OPTION_ARG_INT, &raw.timeout, help.timeout.c_str(), "SECONDS"},
      {"quiet", 0, 0, G_OPTION_ARG_NONE, &raw.quiet, "Only print failures and the summary",
       nullptr},
      {"json", 0, 0, G_OPTION_ARG_FILENAME, &raw.json,
       "Write each result to FILE as a line of JSON, then a summary line", "FILE"},
      {"junit", 0, 0, G_OPTION_ARG_FILENAME, &raw.junit,
       "Write the results to FILE as JUnit XML, a testsuite per test", "FILE"},
      {"journal", 0, 0, G_OPTION_ARG_STRING, &raw.journal,
       "Log each event to the systemd journal: always, never or when a journal is running "
       "(default)",
       "yes|no|auto"},
      {"tap", 0, 0, G_OPTION_ARG_NONE, &raw.tap,
       "Write TAP to stdout (the console output goes to stderr)", nullptr},
      {"exclude", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &raw.excludes,
       "Skip tests whose name matches REGEX (repeatable)", "REGEX"},
      {"log-msgid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &raw.log_msgids,
       "Log MESSAGE to the journal with MESSAGE_ID=MSGID, then exit", "MSGID=MESSAGE"},
      {"seed", 0, 0, G_OPTION_ARG_STRING, &raw.seed,
       "Shuffle the tests with this seed (the seed of a run is printed)", "N"},
      {"order", 0, 0, G_OPTION_ARG_STRING, &raw.order,
       "Run shuffled, by name, or longest first (default: longest first when the history knows "
       "the tests, else shuffled)",
       "random|name|longest"},
      {"kill-grace", 0, 0, G_OPTION_ARG_DOUBLE, &raw.kill_grace, help.kill_grace.c_str(),
       "SECONDS"},
      {"output-lines", 0, 0, G_OPTION_ARG_INT, &raw.output_lines, help.output_lines.c_str(), "N"},
      {"display", 0, 0, G_OPTION_ARG_STRING, &raw.display,
       "X display for tests: the host's if reachable, else Xvfb (default); only the host's; "
       "only Xvfb; none",
       "auto|host|own|none"},
      {"bus", 0, 0, G_OPTION_ARG_STRING, &raw.bus,
       "Session bus for tests: the host's if reachable, else dbus-daemon (default); only the "
       "host's; only dbus-daemon; none",
       "auto|host|own|none"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &raw.user,
       "When started as root, run tests as USER (default: nobody)", "USER"},
      {"as-root", 0, 0, G_OPTION_ARG_NONE, &raw.as_root,
       "When started as root, run tests as root too", nullptr},
      {"private-tmp", 0, 0, G_OPTION_ARG_STRING, &raw.private_tmp,
       "Give each test a /tmp of its own: always, never or when root (default)", "yes|no|auto"},
      {"private-pids", 0, 0, G_OPTION_ARG_STRING, &raw.private_pids,
       "Give each test a PID namespace of its own: always, never or when root and possible "
       "(default)",
       "yes|no|auto"},
      {"exclusive-session", 0, 0, G_OPTION_ARG_STRING, &raw.exclusive_session,
       "Session-exclusive tests share the run's display and bus (default) or get fresh ones",
       "shared|fresh"},
      {"affected-by", 0, 0, G_OPTION_ARG_STRING_ARRAY, &raw.affected_by,
       "Only the tests a change to WHAT affects: an installed file, a SONAME or a package "
       "(repeatable)",
       "WHAT"},
      {"changed-symbols", 0, 0, G_OPTION_ARG_STRING_ARRAY, &raw.changed_symbols,
       "Tests using one of these symbols first (comma-separated, or one a line in FILE)",
       "SYM[,SYM...]|@FILE"},
      {"explain", 0, 0, G_OPTION_ARG_NONE, &raw.explain,
       "Say why each test is selected by --affected-by or --changed-symbols", nullptr},
      {"baseline", 0, 0, G_OPTION_ARG_FILENAME, &raw.baseline,
       "Compare with the --json FILE of an earlier run: only regressions fail the run", "FILE"},
      {"history", 0, 0, G_OPTION_ARG_FILENAME, &raw.history,
       "Read and add to the durations and outcomes of earlier runs in FILE (default: "
       "$XDG_STATE_HOME/ginsttest-runner/history, as root /var/lib/ginsttest-runner/history)",
       "FILE|none"},
      {"failed-first", 0, 0, G_OPTION_ARG_NONE, &raw.failed_first,
       "Run the tests that failed last time first", nullptr},
      {"last-failed", 0, 0, G_OPTION_ARG_NONE, &raw.last_failed,
       "Run only the tests that failed last time (all of them when none did)", nullptr},
      {"slowest", 0, 0, G_OPTION_ARG_INT, &raw.slowest,
       "List the N slowest tests after the summary", "N"},
      {"retry", 0, 0, G_OPTION_ARG_INT, &raw.retry,
       "Run a failed test again, up to N times: failed then passed is FLAKY, not a failure", "N"},
      {"repeat", 0, 0, G_OPTION_ARG_INT, &raw.repeat,
       "Run every test N times: failed some runs is FLAKY, and fails the run", "N"},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &raw.shard,
       "Run only part K of the tests split into N parts (auto: from $CI_NODE_INDEX and "
       "$CI_NODE_TOTAL)",
       "K/N|auto"},
      {"merge", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &raw.merge,
       "Run nothing: report the results in these --json files as one run (repeatable)", "FILE"},
      {"backtraces", 0, 0, G_OPTION_ARG_STRING, &raw.backtraces,
       "Stacks of a test that times out, backtraces from a crashed test's core: when eu-stack is "
       "installed (default), also on Ctrl-C, never",
       "auto|yes|no"},
      {"backtrace-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &raw.backtrace_timeout,
       help.backtrace_timeout.c_str(), "SECONDS"},
      {"max-core-size", 0, 0, G_OPTION_ARG_STRING, &raw.max_core_size, help.max_core_size.c_str(),
       "SIZE"},
      {"version", 0, 0, G_OPTION_ARG_NONE, &raw.version, "Print the version and exit", nullptr},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
}

// gdtr's -p takes a value ("-p 4"); ours may also stand alone ("-p", "-p glib/"). Left to
// GOption, an optional value is whatever word follows that does not start with '-', so
// "-p glib/" would be a bad number rather than -p and a prefix: a word starting with a digit
// after -p is its value ("--parallel=4"; "-p 4x" is then a bad value, not a prefix that selects
// nothing), anything else is not ("--parallel=", one per CPU). After "--", "-p" is a prefix.
std::vector<std::string> join_parallel_values(int argc, char** argv) {
  std::vector<std::string> joined;
  bool options_ended = false;
  for (int i = 0; i < argc; i++) {
    const bool is_parallel = !options_ended && (std::strcmp(argv[i], "-p") == 0 ||
                                                std::strcmp(argv[i], "--parallel") == 0);
    options_ended = options_ended || std::strcmp(argv[i], "--") == 0;
    if (!is_parallel) {
      joined.emplace_back(argv[i]);
    } else if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
      joined.push_back(fmt::format("--parallel={}", argv[++i]));
    } else {
      joined.emplace_back("--parallel=");
    }
  }
  return joined;
}

// "K/N", 1 <= K <= N, into `shard`; false when it is not that.
bool parse_shard(std::string_view text, core::Shard& shard) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  const auto number = [](std::string_view digits, unsigned& out) {
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && ptr == digits.data() + digits.size();
  };
  return number(text.substr(0, slash), shard.index) &&
         number(text.substr(slash + 1), shard.count) && shard.index >= 1 &&
         shard.index <= shard.count;
}

// --shard=K/N, or auto: GitLab CI's CI_NODE_INDEX of CI_NODE_TOTAL (the `parallel:` keyword;
// without it, the whole run).
util::Status shard_option(const char* value, core::Config& config) {
  if (!value) {
    return util::Ok{};
  }
  core::Shard shard;
  if (std::string_view{value} != "auto") {
    if (!parse_shard(value, shard)) {
      return util::unexpected(
          fmt::format("invalid --shard '{}' (expected K/N with 1 <= K <= N, or auto)", value));
    }
  } else if (const char* total = std::getenv("CI_NODE_TOTAL"); total && *total) {
    const char* index = std::getenv("CI_NODE_INDEX");
    const auto text = fmt::format("{}/{}", index ? index : "", total);
    if (!parse_shard(text, shard)) {
      return util::unexpected(fmt::format(
          "--shard=auto: CI_NODE_INDEX and CI_NODE_TOTAL make '{}', not K/N with 1 <= K <= N",
          text));
    }
  }
  config.shard = shard;
  return util::Ok{};
}

// Which tests, and in what order: --dir, --first-root, --list, --exclude, --seed, --order.
util::Status selection_options(const RawOptions& raw, core::Config& config) {
  for (char** dir = raw.dirs; dir && *dir; dir++) {
    config.data_dirs.emplace_back(*dir);
  }
  config.first_root = raw.first_root;
  config.list = raw.list;
  for (char** ex = raw.excludes; ex && *ex; ex++) {
    config.excludes.emplace_back(*ex);
  }
  if (raw.seed) {
    std::uint64_t seed = 0;
    const auto end = raw.seed + std::strlen(raw.seed);
    const auto [ptr, ec] = std::from_chars(raw.seed, end, seed);
    if (ec != std::errc{} || ptr != end) {
      return util::unexpected(fmt::format("invalid --seed '{}' (expected a number)", raw.seed));
    }
    config.seed = seed;
  }
  // A seed alone replays a shuffled run, whatever the history has learnt since.
  if (raw.seed && !raw.order) {
    config.order = core::Order::random;
  }
  if (raw.order) {
    const std::string_view order = raw.order;
    if (order == "random") {
      config.order = core::Order::random;
    } else if (order == "name") {
      config.order = core::Order::name;
    } else if (order == "longest") {
      config.order = core::Order::longest;
    } else {
      return util::unexpected(
          fmt::format("invalid --order '{}' (expected random, name or longest)", order));
    }
  }
  config.failed_first = raw.failed_first;
  config.last_failed = raw.last_failed;
  return shard_option(raw.shard, config);
}

// How tests run: -p, --timeout, --kill-grace, --retry, --repeat.
util::Status run_options(const RawOptions& raw, core::Config& config) {
  if (raw.retry < 0 || raw.retry > 1000) {
    return util::unexpected(fmt::format("invalid --retry {} (expected 0 to 1000)", raw.retry));
  }
  if (raw.repeat < 1 || raw.repeat > 100000) {
    return util::unexpected(fmt::format("invalid --repeat {} (expected 1 to 100000)", raw.repeat));
  }
  if (raw.retry > 0 && raw.repeat > 1) {
    return util::unexpected("--retry and --repeat exclude each other");
  }
  config.retries = static_cast<unsigned>(raw.retry);
  config.repeats = static_cast<unsigned>(raw.repeat);
  config.parallel = raw.parallel > 0 ? static_cast<unsigned>(raw.parallel)
                                     : std::max(1u, std::thread::hardware_concurrency());
  if (raw.timeout < 0) {
    return util::unexpected(
        fmt::format("invalid --timeout {} (expected seconds >= 0)", raw.timeout));
  }
  config.timeout = std::chrono::seconds{raw.timeout};
  if (!(raw.kill_grace >= 0 && raw.kill_grace <= 3600)) { // also rejects NaN
    return util::unexpected(
        fmt::format("invalid --kill-grace {} (expected 0 to 3600 seconds)", raw.kill_grace));
  }
  config.kill_grace = std::chrono::milliseconds{static_cast<long>(raw.kill_grace * 1000)};
  return util::Ok{};
}

// Where results go: the console, -L, --report-directory, --tap, --json, --junit, the journal.
util::Status report_options(const RawOptions& raw, core::Config& config) {
  if (raw.log_directory) {
    config.log_directory = raw.log_directory;
  }
  if (raw.report_directory) {
    config.report_directory = raw.report_directory;
  }
  for (auto [option, value, mode] : {std::tuple{"status", raw.status, &config.status},
                                     std::tuple{"journal", raw.journal, &config.journal}}) {
    auto parsed_mode = yes_no_auto(option, value);
    if (!parsed_mode) {
      return util::unexpected(parsed_mode.error());
    }
    *mode = *parsed_mode;
  }
  config.quiet = raw.quiet;
  config.tap = raw.tap;
  if (raw.json) {
    config.json = raw.json;
  }
  if (raw.junit) {
    config.junit = raw.junit;
  }
  if (raw.output_lines < 0) {
    return util::unexpected(fmt::format("invalid --output-lines {}", raw.output_lines));
  }
  config.output_lines = static_cast<unsigned>(raw.output_lines);
  if (raw.slowest < 0) {
    return util::unexpected(fmt::format("invalid --slowest {}", raw.slowest));
  }
  config.slowest = static_cast<unsigned>(raw.slowest);
  for (char** file = raw.merge; file && *file; file++) {
    config.merge.emplace_back(*file);
  }
  if (!config.merge.empty() && config.list) {
    return util::unexpected("--merge and --list exclude each other");
  }
  for (char** id = raw.log_msgids; id && *id; id++) {
    const std::string_view entry = *id;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || !report::is_message_id(entry.substr(0, eq))) {
      return util::unexpected(fmt::format(
          "invalid --log-msgid '{}' (expected MSGID=MESSAGE, MSGID being 32 hex digits)", entry));
    }
    config.log_msgids.emplace_back(entry);
  }
  return util::Ok{};
}

// The session: --display, --bus, --user, --as-root, --private-tmp, --private-pids,
// --exclusive-session.
util::Status session_options(const RawOptions& raw, core::Config& config) {
  for (auto [option, value, mode] : {std::tuple{"display", raw.display, &config.display},
                                     std::tuple{"bus", raw.bus, &config.bus}}) {
    auto parsed_mode = fixture_mode(option, value);
    if (!parsed_mode) {
      return util::unexpected(parsed_mode.error());
    }
    *mode = *parsed_mode;
  }
  if (raw.user) {
    config.user = raw.user;
  }
  config.as_root = raw.as_root;
  if (config.as_root && config.user) {
    return util::unexpected("--as-root and --user exclude each other");
  }
  for (auto [option, value, mode] :
       {std::tuple{"private-tmp", raw.private_tmp, &config.private_tmp},
        std::tuple{"private-pids", raw.private_pids, &config.private_pids}}) {
    auto parsed_mode = yes_no_auto(option, value);
    if (!parsed_mode) {
      return util::unexpected(parsed_mode.error());
    }
    *mode = *parsed_mode;
  }
  const std::string exclusive = raw.exclusive_session ? raw.exclusive_session : "shared";
  if (exclusive != "shared" && exclusive != "fresh") {
    return util::unexpected(
        fmt::format("invalid --exclusive-session '{}' (expected shared or fresh)", exclusive));
  }
  config.fresh_exclusive_session = exclusive == "fresh";
  return util::Ok{};
}

// "512K", "128M", "2G" or plain bytes; nullopt when it is none of those.
std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
    case 'K':
      scale = 1024;
      break;
    case 'M':
      scale = 1024 * 1024;
      break;
    case 'G':
      scale = 1024 * 1024 * 1024;
      break;
    default:
      break;
    }
  }
  if (scale != 1) {
    text.remove_suffix(1);
  }
  const auto value = util::to_number<std::uint64_t>(text);
  if (!value || *value > ~std::uint64_t{0} / scale) {
    return std::nullopt;
  }
  return *value * scale;
}

// Diagnosis: --backtraces, --backtrace-timeout, --max-core-size.
util::Status diagnose_options(const RawOptions& raw, core::Config& config) {
  auto mode = yes_no_auto("backtraces", raw.backtraces);
  if (!mode) {
    return util::unexpected(mode.error());
  }
  config.backtraces = *mode;
  if (!(raw.backtrace_timeout > 0 && raw.backtrace_timeout <= 3600)) { // also rejects NaN
    return util::unexpected(fmt::format("invalid --backtrace-timeout {} (expected 0 to 3600 "
                                        "seconds, 0 excluded)",
                                        raw.backtrace_timeout));
  }
  config.backtrace_timeout =
      std::chrono::milliseconds{static_cast<long>(raw.backtrace_timeout * 1000)};
  if (raw.max_core_size) {
    const auto size = parse_size(raw.max_core_size);
    if (!size) {
      return util::unexpected(
          fmt::format("invalid --max-core-size '{}' (expected bytes, or a number with K, M or G)",
                      raw.max_core_size));
    }
    config.max_core_size = *size;
  }
  return util::Ok{};
}

// Run as a tmt test: tmt's results and each test's log (unless -L says where) in $TMT_TEST_DATA.
void tmt_options(core::Config& config) {
  if (const char* dir = std::getenv("TMT_TEST_DATA"); dir && *dir) {
    config.tmt_data = dir;
    if (!config.log_directory) {
      config.log_directory = *config.tmt_data / "logs";
    }
  }
}

} // namespace

util::Expected<CommandLine> parse_command_line(int argc, char** argv) {
  RawOptions raw;
  const HelpTexts help{raw};
  const auto entries = option_entries(raw, help);
  auto joined = join_parallel_values(argc, argv);
  std::vector<char*> args;
  for (auto& arg : joined) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);

  util::GOptionContextPtr context{g_option_context_new("[PREFIX...] - Run installed tests")};
  // A main group of our own, so that the -p callback gets `raw` as its data.
  GOptionGroup* group = g_option_group_new(nullptr, nullptr, nullptr, &raw, nullptr);
  g_option_group_add_entries(group, entries.data());
  g_option_context_set_main_group(context.get(), group); // the context owns it
  g_option_context_set_description(
      context.get(),
      "Exit status: 0 all tests passed or skipped, 1 the runner could not run, 2 a test failed\n"
      "(with --baseline: a regression), 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM.\n"
      "See ginsttest-runner(1).");
  int n_args = static_cast<int>(args.size()) - 1;
  char** argv_ptr = args.data();
  util::GErrorOut error;
  if (!g_option_context_parse(context.get(), &n_args, &argv_ptr, error.out())) {
    return util::configuration_error(error.message());
  }

  CommandLine out;
  out.version = raw.version;
  for (auto step : {selection_options, run_options, report_options, session_options, impact_options,
                    history_options, diagnose_options}) {
    if (auto status = step(raw, out.config); !status) {
      return util::configuration_error(status.error().what);
    }
  }
  tmt_options(out.config);
  // GOption leaves the "--" that ended the options among the other words.
  bool options_ended = false;
  for (int i = 1; i < n_args; i++) {
    if (!options_ended && std::strcmp(argv_ptr[i], "--") == 0) {
      options_ended = true;
    } else {
      out.config.prefixes.emplace_back(argv_ptr[i]);
    }
  }
  return out;
}

} // namespace ginsttest::cli
