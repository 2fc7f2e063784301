#include "diagnose/capture.hpp"

#include "diagnose/descendants.hpp"
#include "diagnose/eu_stack.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

extern char** environ;

using namespace ginsttest;

namespace {

// A shell running two `sleep`s, killed and reaped on destruction.
struct SleepingPair {
  pid_t pid = -1;
  SleepingPair() {
    const char* argv[] = {"/bin/sh", "-c", "sleep 60 & sleep 60 & echo >&3; wait", nullptr};
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], 3);
    REQUIRE(::posix_spawn(&pid, argv[0], &actions, nullptr, const_cast<char**>(argv), environ) ==
            0);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    char ready;
    REQUIRE(::read(fds[0], &ready, 1) == 1); // both sleeps forked
    ::close(fds[0]);
    // ... and both executed: a fork not yet past its exec is still the shell.
    for (int tries = 0; tries < 500 && !both_sleeping(); tries++) {
      ::usleep(10000);
    }
    REQUIRE(both_sleeping());
  }
  bool both_sleeping() const {
    const auto children = diagnose::descendants(pid);
    return children.size() == 2 && std::all_of(children.begin(), children.end(), [](pid_t child) {
             return diagnose::command_line(child) == "sleep 60";
           });
  }
  ~SleepingPair() {
    for (const pid_t child : diagnose::descendants(pid)) {
      ::kill(child, SIGKILL);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

// Drives the capture as the watcher's poll loop does, until it is done or past its deadline.
core::Backtrace run_to_end(diagnose::Capture& capture) {
  while (!capture.done() && !capture.past_deadline()) {
    std::vector<pollfd> fds;
    capture.add_fds(fds);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(capture.wake_by() -
                                                                            diagnose::Clock::now());
    ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long>(0, left.count()) + 1));
    capture.on_poll(fds);
  }
  return capture.finish();
}

std::vector<std::string> environment() {
  std::vector<std::string> env;
  for (char** var = environ; *var; var++) {
    env.emplace_back(*var);
  }
  return diagnose::tool_environment(env);
}

} // namespace

TEST_CASE("the stacks of every descendant, with their commands and thread names") {
  if (::access("/usr/bin/eu-stack", X_OK) != 0) {
    MESSAGE("eu-stack is not installed");
    return;
  }
  SleepingPair pair;
  diagnose::CaptureSettings settings;
  settings.eu_stack = "/usr/bin/eu-stack";
  settings.env = environment();
  auto capture =
      diagnose::Capture::of_processes(settings, pair.pid, core::BacktraceSource::timeout);
  const auto backtrace = run_to_end(capture);
  CHECK(backtrace.source == core::BacktraceSource::timeout);
  REQUIRE(backtrace.processes.size() == 2);
  for (const auto& process : backtrace.processes) {
    CHECK(process.command == "sleep 60");
    REQUIRE(process.threads.size() == 1);
    CHECK(process.threads[0].name == "sleep");
    CHECK_FALSE(process.threads[0].frames.empty());
    CHECK(process.error.empty());
  }
  CHECK(backtrace.took.count() >= 0);
}

TEST_CASE("a tool that does not end by the deadline is killed, and the reason named") {
  auto dir =
      util::TempDir::create(std::filesystem::temp_directory_path(), "capture", util::Stamp::no);
  REQUIRE(dir);
  const auto tool = dir->path() / "stuck-tool";
  // It starts a process of its own, which must not outlive it either.
  std::filesystem::copy_file("/bin/sleep", dir->path() / "sleeper");
  std::ofstream{tool} << "#!/bin/sh\n\"${0%/*}/sleeper\" 30\n";
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
  SleepingPair pair;
  diagnose::CaptureSettings settings;
  settings.eu_stack = tool;
  settings.env = environment();
  settings.timeout = std::chrono::milliseconds{200};
  settings.at_once = 1; // the second process is never reached
  auto capture =
      diagnose::Capture::of_processes(settings, pair.pid, core::BacktraceSource::interrupt);
  const auto started = diagnose::Clock::now();
  const auto backtrace = run_to_end(capture);
  CHECK(diagnose::Clock::now() - started < std::chrono::seconds{5});
  REQUIRE(backtrace.processes.size() == 2);
  for (const auto& process : backtrace.processes) {
    CHECK(process.threads.empty());
    CHECK(process.error.find("deadline") != std::string::npos);
  }
  // Nothing of the tool is left anywhere: no process runs from its directory.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") == std::string::npos) {
      CHECK(diagnose::command_line(std::stoi(name), 4096).find(dir->path().string()) ==
            std::string::npos);
    }
  }
  (void)dir->remove();
}

TEST_CASE("a core systemd-coredump is still storing is asked for again, then read") {
  auto dir =
      util::TempDir::create(std::filesystem::temp_directory_path(), "coredump", util::Stamp::no);
  REQUIRE(dir);
  const auto& d = dir->path();
  // coredumpctl as systemd-coredump answers before the core is stored, twice, then with it;
  // each call's arguments are logged. eu-stack reads whatever core it is given.
  const auto coredumpctl = d / "coredumpctl";
  std::ofstream{coredumpctl} << "#!/bin/sh\n"
                             << "echo \"$*\" >>" << (d / "calls").string() << "\n"
                             << "[ $(wc -l <" << (d / "calls").string() << ") -ge 3 ] || "
                             << "{ echo 'No coredumps found.'; exit 1; }\n"
                             << "for a; do case $a in --output=*) echo core >\"${a#--output=}\";; "
                                "esac; done\n";
  const auto eu_stack = d / "eu-stack";
  std::ofstream{eu_stack} << "#!/bin/sh\nprintf 'PID 9 - core\\nTID 9:\\n"
                             "#0  0x0000000000401000 crash_here - /usr/bin/app\\n'\n";
  for (const auto& tool : {coredumpctl, eu_stack}) {
    std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
  }
  diagnose::CaptureSettings settings;
  settings.eu_stack = eu_stack;
  settings.coredumpctl = coredumpctl;
  settings.env = environment();
  const auto since = std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}};
  auto capture = diagnose::Capture::of_coredump(settings, "/usr/bin/app", since, d / "core");
  const auto backtrace = run_to_end(capture);

  std::ifstream calls{d / "calls"};
  std::vector<std::string> lines;
  for (std::string line; std::getline(calls, line);) {
    lines.push_back(line);
  }
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "--no-pager --quiet --since=@1700000000 --output=" + (d / "core").string() +
                        " dump /usr/bin/app");
  CHECK(backtrace.source == core::BacktraceSource::core);
  REQUIRE(backtrace.processes.size() == 1);
  CHECK(backtrace.processes[0].command == "/usr/bin/app");
  REQUIRE(backtrace.processes[0].threads.size() == 1);
  CHECK(backtrace.processes[0].threads[0].crashed);
  CHECK(backtrace.processes[0].threads[0].frames.at(0).function == "crash_here");
  CHECK(backtrace.core_file == d / "core");
  CHECK(backtrace.core_bytes == 5);
  (void)dir->remove();
}

TEST_CASE("no core from systemd-coredump by the deadline is said") {
  auto dir =
      util::TempDir::create(std::filesystem::temp_directory_path(), "coredump", util::Stamp::no);
  REQUIRE(dir);
  const auto coredumpctl = dir->path() / "coredumpctl";
  std::ofstream{coredumpctl} << "#!/bin/sh\necho 'No coredumps found.'\nexit 1\n";
  std::filesystem::permissions(coredumpctl, std::filesystem::perms::owner_all);
  diagnose::CaptureSettings settings;
  settings.eu_stack = "/nonexistent/eu-stack";
  settings.coredumpctl = coredumpctl;
  settings.env = environment();
  settings.timeout = std::chrono::milliseconds{600};
  auto capture = diagnose::Capture::of_coredump(
      settings, "/usr/bin/app", std::chrono::system_clock::now(), dir->path() / "core");
  const auto backtrace = run_to_end(capture);
  REQUIRE(backtrace.processes.size() == 1);
  CHECK(backtrace.processes[0].threads.empty());
  CHECK(backtrace.processes[0].error == "systemd-coredump gave no core: No coredumps found.");
  CHECK_FALSE(backtrace.core_file);
  (void)dir->remove();
}
