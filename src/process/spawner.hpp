// The spawner: a small process forked at startup, while the runner is still small, that forks
// one monitor per test on request. Forking the runner itself for every test would copy its
// whole address space each time (the cost grows with the number of tests discovered); the
// spawner keeps that cost flat. Requests go over a socket, with the test's output and report
// pipes passed as file descriptors.
#pragma once

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ginsttest::process {

struct SpawnRequest {
  std::string program;           // the file to execute (see find_program)
  std::vector<std::string> argv; // argv[0] included
  std::vector<std::string> env;  // NAME=VALUE: the test's whole environment
  std::filesystem::path cwd;
  int output_fd = -1;                         // becomes the test's stdout and stderr
  std::chrono::milliseconds kill_grace{5000}; // SIGTERM to SIGKILL
};

// The largest command line + environment a request may carry.
inline constexpr std::size_t max_request_bytes = 128 * 1024;

class Spawner {
public:
  // Forks the spawner. Call it early: the spawner is a copy of the runner as it is now.
  static util::Expected<Spawner> start();

  Spawner(Spawner&& other) noexcept;
  Spawner& operator=(Spawner&&) = delete;
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;
  // Tells the spawner to finish (it waits for its monitors) and reaps it.
  ~Spawner();

  // Has a monitor forked for `request`, reporting on `report_fd` (the write end of a pipe, which
  // the caller should close afterwards). Returns the monitor's pid.
  util::Expected<pid_t> spawn(const SpawnRequest& request, int report_fd);

private:
  Spawner(pid_t pid, util::Fd socket) : m_pid(pid), m_socket(std::move(socket)) {}
  pid_t m_pid = -1;
  util::Fd m_socket;
};

} // namespace ginsttest::process
