// The processes of a test as the runner sees them in /proc: the descendants of its monitor.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ginsttest::diagnose {

// Every descendant of `root` (not `root` itself), parents before their children: those that
// called setsid() or were orphaned stay descendants, as the monitor is a child subreaper. A
// process that ends while /proc is read is simply not there.
std::vector<pid_t> descendants(pid_t root);

// Its command line, arguments separated by spaces, cut to `max` bytes ("…" added); its name
// (comm) in brackets when it has no command line; "" when it is gone.
std::string command_line(pid_t pid, std::size_t max = 200);

// The name of thread `tid` of `pid` (/proc/PID/task/TID/comm); "" when it cannot be read.
std::string thread_name(pid_t pid, pid_t tid);

} // namespace ginsttest::diagnose
