#include "session/probe.hpp"

#include "util/fd.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <gio/gio.h>
#include <grp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xcb/xcb.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ginsttest::session {
namespace {

bool x_reachable(const ProbeRequest& request) {
  if (!request.xauthority.empty()) {
    ::setenv("XAUTHORITY", request.xauthority.c_str(), 1);
  }
  xcb_connection_t* connection = ::xcb_connect(request.display.c_str(), nullptr);
  const bool ok = ::xcb_connection_has_error(connection) == 0;
  ::xcb_disconnect(connection);
  return ok;
}

bool wayland_reachable(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    return false;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  util::Fd sock{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  return sock &&
         ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

bool bus_reachable(const std::string& address) {
  // A message bus connection authenticates, then calls Hello: the bus has accepted us.
  util::GErrorOut error;
  GDBusConnection* connection = ::g_dbus_connection_new_for_address_sync(
      address.c_str(),
      static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
      nullptr, nullptr, error.out());
  if (!connection) {
    return false;
  }
  ::g_dbus_connection_close_sync(connection, nullptr, nullptr);
  ::g_object_unref(connection);
  return true;
}

// Denied: the path, or the directory it names, cannot be entered (EACCES), so a program looked
// up there fails differently from one that is simply not there.
bool denied(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) {
    return errno == EACCES;
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::access(path.c_str(), X_OK) != 0 && errno == EACCES;
}

// The child: takes the identity, runs the checks, writes NUL-separated records ('P' denied
// path, 'D' display, 'W' Wayland, 'B' bus, 'F' all done, 'E' cannot switch identity), exits.
[[noreturn]] void run_probe(const ProbeRequest& request, int out) {
  // Each answer is written as soon as it is known: a check that hangs loses only itself.
  auto add = [&](char kind, std::string_view text) {
    std::string record(1, kind);
    record += text;
    record.push_back('\0');
    (void)util::write_all(out, record);
  };
  if (request.as && (::setgroups(0, nullptr) != 0 || ::setgid(request.as->gid) != 0 ||
                     ::setuid(request.as->uid) != 0)) {
    add('E', util::errno_text(errno));
    ::_exit(1);
  }
  for (const auto& path : request.paths) {
    if (denied(path)) {
      add('P', path);
    }
  }
  if (!request.display.empty() && x_reachable(request)) {
    add('D', "");
  }
  if (!request.wayland_socket.empty() && wayland_reachable(request.wayland_socket)) {
    add('W', "");
  }
  if (!request.bus_address.empty() && bus_reachable(request.bus_address)) {
    add('B', "");
  }
  add('F', "");
  ::_exit(0);
}

} // namespace

util::Expected<ProbeResult> probe(const ProbeRequest& request, unsigned timeout_seconds) {
  util::Pipe pipe;
  if (!util::make_pipe(pipe, util::ReadEnd::blocking)) {
    return util::unexpected(fmt::format("cannot create a pipe: {}", util::errno_text(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    return util::unexpected(fmt::format("cannot fork: {}", util::errno_text(errno)));
  }
  if (pid == 0) {
    pipe.read.reset();
    // A hung server ends the probe: SIGALRM with its default action, whatever we inherited.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGALRM, &default_action, nullptr);
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    ::sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr);
    ::alarm(timeout_seconds);
    run_probe(request, pipe.write.get());
  }
  pipe.write.reset();
  std::string records;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(pipe.read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    records.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProbeResult result;
  for (const auto& record : util::split(records, '\0')) {
    if (record.empty()) {
      continue;
    }
    switch (record[0]) {
    case 'P':
      result.denied.push_back(record.substr(1));
      break;
    case 'D':
      result.display = true;
      break;
    case 'W':
      result.wayland = true;
      break;
    case 'B':
      result.bus = true;
      break;
    case 'F':
      result.finished = true;
      break;
    case 'E':
      return util::unexpected(fmt::format("cannot switch to uid {}: {}",
                                          request.as ? request.as->uid : 0, record.substr(1)));
    default:
      break;
    }
  }
  return result;
}

} // namespace ginsttest::session
