// The spawner: a small helper program (ginsttest-spawner, run once at startup) that forks one
// monitor per test. Forking the runner itself for every test would copy its whole address
// space, with every library it maps, each time; a tiny static helper keeps that cost near the
// floor and flat whatever the number of tests. Each monitor is forked ahead of its test and
// reads the request itself, so that the fork is not on the way from a request to its test. Requests
// go over a socket, with the test's output and report pipes passed as file descriptors (see
// protocol.hpp).
#pragma once

#include "core/defaults.hpp"

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::process {

// Who a process runs as, when not as the spawner's own user (that takes root).
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0; // the only group: supplementary groups are dropped
};

struct SpawnRequest {
  std::string program;           // the file to execute (see find_program)
  std::vector<std::string> argv; // argv[0] included
  std::vector<std::string> env;  // NAME=VALUE: the test's whole environment
  std::filesystem::path cwd;     // entered as `credentials`, after /tmp is replaced
  int output_fd = -1;            // becomes the process's stdout (and stderr, unless error_fd)
  int error_fd = -1;             // becomes its stderr when set
  int ready_fd = -1; // becomes its descriptor 3 when set (a server announcing it is ready)
  std::chrono::milliseconds kill_grace = core::defaults::kill_grace; // SIGTERM to SIGKILL
  std::optional<Credentials> credentials; // run as this user (needs root)
  // When set, the process tree gets a mount namespace of its own in which this directory is
  // bind-mounted on /tmp (needs root), as systemd's PrivateTmp= does. The entries of the real
  // /tmp named in `shared_tmp_entries` (".X11-unix", a prefix installed in /tmp, a socket) are
  // bound onto their mount points in it, which the caller made: a directory for a directory,
  // an empty file for anything else.
  std::filesystem::path private_tmp;
  std::vector<std::string> shared_tmp_entries;
  // The same for /var/tmp, with a private /tmp only.
  std::filesystem::path private_var_tmp;
  std::vector<std::string> shared_var_tmp_entries;
  // The soft limit on the size of the test's core files (RLIMIT_CORE), raised so that a crash
  // leaves a core to read its backtrace from; nullopt leaves the inherited limit. Capped at the
  // hard limit.
  std::optional<std::uint64_t> core_limit;
};

// Whether this process may give children PID namespaces of their own (it is root, and neither a
// seccomp filter nor a container forbids it); else the reason.
util::Status pid_namespaces_work();

class Spawner {
public:
  // Starts the helper program: $GINSTTEST_SPAWNER when set, else ginsttest-spawner next to the
  // running executable (a build tree), else the installed one in libexecdir. With
  // `pid_namespaces` (root only), each process tree it starts gets a PID namespace of its own
  // (see monitor.hpp); see pid_namespaces_work().
  static util::Expected<Spawner> start(bool pid_namespaces = false);

  Spawner(Spawner&& other) noexcept;
  Spawner& operator=(Spawner&&) = delete;
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;
  // Tells the spawner to finish (it waits for its monitors) and reaps it.
  ~Spawner();

  // Asks for a monitor to be forked for `request`, reporting on `report_fd` (the write end of a
  // pipe, which the caller closes afterwards). Does not wait: the monitor's pid, or the reason it
  // could not start, arrives on the report pipe. Fails when the spawner cannot be reached.
  util::Status spawn(const SpawnRequest& request, int report_fd);

private:
  Spawner(pid_t pid, util::Fd socket) : m_pid(pid), m_socket(std::move(socket)) {}
  pid_t m_pid = -1;
  util::Fd m_socket;
};

} // namespace ginsttest::process
