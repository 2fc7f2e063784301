#include "process/program.hpp"
#include "process/tree.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

using namespace ginsttest;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct Spawned {
  util::TempDir dir;
  util::Fd output;
  std::optional<process::Tree> tree;

  std::string read_all() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(output.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EAGAIN)) {
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
      }
    }
    return out;
  }
};

process::Spawner& spawner() {
  static auto instance = process::Spawner::start();
  REQUIRE(instance);
  return *instance;
}

Spawned spawn(std::vector<std::string> argv, std::chrono::milliseconds grace = 5000ms) {
  Spawned s;
  auto dir = util::TempDir::create(fs::temp_directory_path(), "tree");
  REQUIRE(dir);
  s.dir = std::move(*dir);
  util::Pipe pipe;
  REQUIRE(util::make_pipe(pipe, util::ReadEnd::blocking));
  process::SpawnRequest request;
  request.program = process::find_program(argv.at(0), "/usr/bin:/bin");
  request.argv = std::move(argv);
  request.env = {"PATH=/usr/bin:/bin", "MARK=1"};
  request.cwd = s.dir.path();
  request.output_fd = pipe.write.get();
  request.kill_grace = grace;
  auto tree = process::Tree::spawn(spawner(), request);
  REQUIRE(tree);
  s.tree.emplace(std::move(*tree));
  pipe.write.reset();
  s.output = std::move(pipe.read);
  return s;
}

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

pid_t read_pid(const fs::path& file) {
  std::ifstream in{file};
  pid_t pid = 0;
  in >> pid;
  return pid;
}

} // namespace

TEST_CASE("the test's exit status, cwd, environment, stdin and output reach the runner") {
  auto s = spawn(
      {"sh", "-c", "pwd; echo MARK=$MARK; ls -A; read x || echo stdin-eof; echo err >&2; exit 3"});
  const auto out = s.read_all();
  s.tree->wait();
  const auto& status = s.tree->status();
  REQUIRE(status.wait_status);
  CHECK(WIFEXITED(*status.wait_status));
  CHECK(WEXITSTATUS(*status.wait_status) == 3);
  CHECK(out == s.dir.path().string() + "\nMARK=1\n.testtmp\nstdin-eof\nerr\n");
  CHECK(status.leftovers == 0);
}

TEST_CASE("no descriptor of the runner leaks into the test") {
  util::Fd extra{::open("/dev/null", O_RDONLY)}; // not close-on-exec on purpose
  REQUIRE(extra);
  auto s = spawn({"sh", "-c", "ls /proc/self/fd"});
  const auto out = s.read_all();
  s.tree->wait();
  // 0, 1, 2 and the directory ls itself opens.
  CHECK(out == "0\n1\n2\n3\n");
}

TEST_CASE("exec failure is reported with its errno") {
  auto s = spawn({"/nonexistent/program"});
  s.read_all();
  s.tree->wait();
  REQUIRE(s.tree->status().exec_errno);
  CHECK(*s.tree->status().exec_errno == ENOENT);
}

TEST_CASE("a daemon left behind by the test is killed when the test ends") {
  // The test waits until the daemon has written its pid, then exits without it.
  auto s = spawn({"sh", "-c",
                  // echo is a builtin: the daemon is one process all along.
                  "setsid sh -c 'echo $$ > daemon.pid; exec sleep 1000' & "
                  "while [ ! -s daemon.pid ]; do sleep 0.01; done"},
                 1000ms);
  s.read_all();
  s.tree->wait();
  const auto& status = s.tree->status();
  REQUIRE(status.wait_status);
  CHECK(WEXITSTATUS(*status.wait_status) == 0);
  CHECK(status.leftovers == 1);
  const pid_t daemon = read_pid(s.dir.path() / "daemon.pid");
  REQUIRE(daemon > 0);
  CHECK_FALSE(alive(daemon));
}

TEST_CASE("terminate ends the whole tree, double-forked and TERM-ignoring processes too") {
  // The grandchild double-forks into its own session and ignores SIGTERM.
  auto s = spawn({"sh", "-c",
                  "(setsid sh -c 'trap \"\" TERM; echo $$ > daemon.pid; "
                  "echo ready; while :; do sleep 1; done' &) ; exec sleep 1000"},
                 200ms);
  char buf[6] = {};
  REQUIRE(::read(s.output.get(), buf, 6) == 6); // "ready\n": the daemon exists
  const pid_t daemon = read_pid(s.dir.path() / "daemon.pid");
  REQUIRE(daemon > 0);
  CHECK(alive(daemon));
  s.tree->terminate();
  s.tree->wait();
  const auto& status = s.tree->status();
  REQUIRE(status.wait_status);
  CHECK(WIFSIGNALED(*status.wait_status));
  CHECK(WTERMSIG(*status.wait_status) == SIGTERM);
  CHECK_FALSE(alive(daemon));
}

TEST_CASE("find_program searches PATH for bare names only") {
  CHECK(process::find_program("sh", "/nonexistent:/bin") == "/bin/sh");
  CHECK(process::find_program("./x", "/bin") == "./x");
  CHECK(process::find_program("no-such-program-here", "/bin") == "no-such-program-here");
}

TEST_CASE("the test starts with default signal handling and nothing blocked") {
  auto s = spawn({"sh", "-c", "sed -n 's/^Sig\\(Blk\\|Ign\\):\\t//p' /proc/self/status"});
  const auto out = s.read_all();
  s.tree->wait();
  REQUIRE(out.size() == 34);
  CHECK(std::stoull(out.substr(0, 16), nullptr, 16) == 0); // blocked
  // Ignored, leaving out glibc's own signals 32 and 33: posix_spawn marks them ignored in the
  // child, and every glibc program installs its handlers for them at startup.
  CHECK((std::stoull(out.substr(17, 16), nullptr, 16) & ~0x180000000ULL) == 0);
}

TEST_CASE("the CPU time and memory of all the test's processes are reported") {
  // Two processes burn CPU: the main one and a child it waits for.
  auto s = spawn({"sh", "-c",
                  "burn() { i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; }; "
                  "burn & burn; wait"});
  s.read_all();
  s.tree->wait();
  const auto& status = s.tree->status();
  CHECK(status.user_seconds + status.system_seconds > 0.05);
  CHECK(status.maxrss_kb > 100);
}

namespace {

// The pidfds this process holds.
int count_pidfds() {
  int count = 0;
  for (const auto& entry : fs::directory_iterator{"/proc/self/fd"}) {
    std::error_code ec;
    if (fs::read_symlink(entry.path(), ec).string() == "anon_inode:[pidfd]") {
      count++;
    }
  }
  return count;
}

} // namespace

TEST_CASE("the monitor is stopped through a pidfd, held only while it is being stopped") {
  util::Fd probe = util::pidfd_open(::getpid());
  if (!probe) {
    MESSAGE("this kernel has no pidfds: the monitor is signalled by pid");
    return;
  }
  probe.reset();
  const int before = count_pidfds();
  auto s = spawn({"sh", "-c", "echo ready; exec sleep 1000"}, 200ms);
  char buf[6] = {};
  REQUIRE(::read(s.output.get(), buf, 6) == 6);
  // The monitor sends its pid once the test has run a little while.
  while (s.tree->monitor() < 0) {
    pollfd pfd{s.tree->report_fd(), POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 10000) == 1);
    REQUIRE_FALSE(s.tree->read_reports());
  }
  CHECK(count_pidfds() == before); // not needed until the test is to be stopped
  s.tree->terminate();
  CHECK(count_pidfds() == before + 1);
  s.tree->wait();
  REQUIRE(s.tree->status().wait_status);
  CHECK(WTERMSIG(*s.tree->status().wait_status) == SIGTERM);
  CHECK(count_pidfds() == before);
}

TEST_CASE("with a PID namespace, the test is pid 2 and cannot stop its monitor from inside") {
  if (::geteuid() != 0 || !process::pid_namespaces_work()) {
    MESSAGE("PID namespaces need root, and a kernel and container that allow them");
    return;
  }
  static auto own_pids = process::Spawner::start(true);
  REQUIRE(own_pids);
  auto dir = util::TempDir::create(fs::temp_directory_path(), "tree");
  REQUIRE(dir);
  util::Pipe pipe;
  REQUIRE(util::make_pipe(pipe, util::ReadEnd::blocking));
  process::SpawnRequest request;
  // A SIGTERM sent from inside to pid 1, the monitor, must not be taken for the runner's; the
  // pause gives a wrong reading the time to show.
  request.argv = {"sh", "-c", "echo $$; kill -TERM 1; sleep 0.3; ls /proc | grep -c '^[0-9]'"};
  request.program = process::find_program("sh", "/usr/bin:/bin");
  request.env = {"PATH=/usr/bin:/bin"};
  request.cwd = dir->path();
  request.output_fd = pipe.write.get();
  auto tree = process::Tree::spawn(*own_pids, request);
  REQUIRE(tree);
  pipe.write.reset();
  std::string out;
  char buf[256];
  for (ssize_t n; (n = ::read(pipe.read.get(), buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  tree->wait();
  REQUIRE(tree->status().wait_status);
  CHECK(WIFEXITED(*tree->status().wait_status));
  CHECK(WEXITSTATUS(*tree->status().wait_status) == 0);
  // Its own pid, and in its /proc only the monitor, itself, ls and grep.
  CHECK(out == "2\n4\n");
  // The monitor's pid as the runner sees it.
  CHECK(tree->monitor() > 1);
}
