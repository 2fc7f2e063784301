// The spawner's side: serve requests from the runner until it closes the socket.
#pragma once

#include <sys/types.h>

namespace ginsttest::process {

// Serves the requests (protocol.hpp) the runner sends on `sock`: keeps one monitor forked ahead
// of its request, which reads the next request itself, and forks the next one as soon as it has
// taken it; at end of file waits for every monitor and exits. Dies with `runner`
// (PR_SET_PDEATHSIG), and its monitors then stop their tests. Only async-signal-safe calls, static
// buffers. With `pid_namespaces`, each monitor is the first process of a PID namespace of its
// own (see monitor.hpp).
[[noreturn]] void run_spawner(int sock, pid_t runner, bool pid_namespaces) noexcept;

} // namespace ginsttest::process
