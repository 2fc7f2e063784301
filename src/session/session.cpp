#include "session/session.hpp"

#include "process/program.hpp"
#include "session/hygiene.hpp"
#include "session/probe.hpp"
#include "session/xauth.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <gio/gio.h>
#include <glib.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace ginsttest::session {
namespace {

constexpr const char* default_user = "nobody";

std::string current_user_name() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry ? entry->pw_name : std::to_string(::geteuid());
}

// Writes a new file only its owner may read (`owner`, or the runner's user).
util::Status write_private_file(const std::filesystem::path& path, std::string_view bytes,
                                const std::optional<Identity>& owner) {
  auto fd = util::create_new_file(path, 0600);
  if (!fd) {
    return util::unexpected(fmt::format("cannot write {}", fd.error().what));
  }
  bool ok = util::write_all(fd->get(), bytes);
  if (ok && owner) {
    ok = ::fchown(fd->get(), owner->credentials.uid, owner->credentials.gid) == 0;
  }
  if (!ok) {
    return util::unexpected(
        fmt::format("cannot write {}: {}", path.string(), util::errno_text(errno)));
  }
  return util::Ok{};
}

// A directory of the run that only the test user may enter.
util::Status make_private_dir(const std::filesystem::path& path,
                              const std::optional<Identity>& owner) {
  if (::mkdir(path.c_str(), 0700) != 0 ||
      (owner && ::chown(path.c_str(), owner->credentials.uid, owner->credentials.gid) != 0)) {
    return util::unexpected(
        fmt::format("cannot make {}: {}", path.string(), util::errno_text(errno)));
  }
  return util::Ok{};
}

constexpr std::string_view run_dir_prefix = "ginsttest-run-";

// What the run's directory adds to its base in the longest socket path under it, the bus of
// fresh servers: "/ginsttest-run-PID-XXXXXX/runtime-N/bus", with room for large PIDs and N.
constexpr std::size_t run_dir_socket_suffix = 1 + run_dir_prefix.size() + 10 + 7 + 16 + 4;

// Whether a socket under a run's directory in `base` fits in a socket address. A long $TMPDIR
// (a test that runs the runner, in the directory its own runner gave it) would not.
bool socket_fits_under(const std::filesystem::path& base) {
  return base.native().size() + run_dir_socket_suffix < sizeof(sockaddr_un::sun_path);
}

// The run's directory: outside /tmp when root, since tests may get a /tmp of their own; /tmp
// when nothing else leaves room for the bus's socket. Locked as a live run's for as long as it
// exists.
util::Expected<util::TempDir> make_run_dir(bool root, const EnvList& env) {
  std::vector<std::filesystem::path> bases;
  if (root) {
    bases = {"/run", "/var/tmp"};
  } else if (const auto runtime = util::lookup(env, "XDG_RUNTIME_DIR"); !runtime.empty()) {
    bases.emplace_back(runtime);
  }
  bases.emplace_back(g_get_tmp_dir());
  std::erase_if(bases, [](const auto& base) { return !socket_fits_under(base); });
  bases.emplace_back("/tmp");
  std::string errors;
  for (const auto& base : bases) {
    util::remove_stale_dirs(base, run_dir_prefix);
    auto dir = util::TempDir::create(base, fmt::format("{}{}", run_dir_prefix, ::getpid()));
    if (dir) {
      if (auto locked = dir->lock_as_live(); !locked) {
        return util::unexpected(locked.error());
      }
      // Root's run directory must be passable for the test user: its own parts are 0700.
      if (root && ::chmod(dir->path().c_str(), 0755) != 0) {
        return util::unexpected(fmt::format("cannot make {} passable: {}", dir->path().string(),
                                            util::errno_text(errno)));
      }
      return dir;
    }
    errors += (errors.empty() ? "" : "; ") + dir.error().what;
  }
  return util::unexpected(fmt::format("cannot make the run's directory: {}", errors));
}

// The program `name` on `path`, or "" when there is none (find_program then gives back the
// bare name).
std::string find_server(std::string_view name, std::string_view path) {
  auto found = process::find_program(name, path.empty() ? "/usr/bin:/bin" : path);
  return found == name ? "" : found;
}

} // namespace

util::Expected<std::unique_ptr<Session>> Session::start(SessionOptions options,
                                                        process::Spawner& spawner,
                                                        std::vector<std::string>& warnings) {
  std::unique_ptr<Session> session{new Session(std::move(options), spawner)};
  if (auto status = session->prepare_identity(); !status) {
    return util::unexpected(status.error());
  }
  if (auto status = session->prepare_environment(warnings); !status) {
    return util::unexpected(status.error());
  }
  if (auto status = session->start_servers(session->m_servers, ""); !status) {
    return util::unexpected(status.error());
  }
  session->m_environment =
      util::merge_environment(session->m_base_environment, session->m_servers.overrides);
  return session;
}

Session::~Session() {
  m_servers.bus.reset(); // the bus first: its services may talk to the display
  m_servers.display.reset();
  (void)m_run_dir.remove();
}

util::Expected<bool> use_private_pids(core::StatusMode mode) {
  if (mode == core::StatusMode::no) {
    return false;
  }
  if (::geteuid() != 0) {
    if (mode == core::StatusMode::yes) {
      return util::unexpected("--private-pids=yes needs the runner to be started as root");
    }
    return false;
  }
  // Where a container forbids them, "auto" goes without.
  auto works = process::pid_namespaces_work();
  if (!works && mode == core::StatusMode::yes) {
    return util::unexpected(fmt::format("--private-pids=yes: {}", works.error().what));
  }
  return works.has_value();
}

util::Status Session::prepare_identity() {
  const bool root = ::geteuid() == 0;
  if (!root) {
    if (m_options.user && *m_options.user != current_user_name()) {
      return util::unexpected(
          fmt::format("--user={} needs the runner to be started as root", *m_options.user));
    }
    if (m_options.private_tmp == core::StatusMode::yes) {
      return util::unexpected("--private-tmp=yes needs the runner to be started as root");
    }
  } else {
    m_private_tmp = m_options.private_tmp != core::StatusMode::no;
    if (!m_options.keep_root) {
      auto identity = lookup_user(m_options.user.value_or(default_user));
      if (!identity) {
        return util::unexpected(fmt::format("{} (choose another with --user, or keep root with "
                                            "--as-root)",
                                            identity.error().what));
      }
      if (identity->credentials.uid != 0) {
        m_identity = std::move(*identity);
      }
    }
  }
  auto run_dir = make_run_dir(root, m_options.environment);
  if (!run_dir) {
    return util::unexpected(run_dir.error());
  }
  m_run_dir = std::move(*run_dir);
  if (m_identity) {
    for (const char* part : {"home", "runtime"}) {
      if (auto status = make_private_dir(m_run_dir.path() / part, m_identity); !status) {
        return status;
      }
    }
  }
  return util::Ok{};
}

util::Status Session::prepare_environment(std::vector<std::string>& warnings) {
  const EnvList& host = m_options.environment;
  Overrides overrides;
  if (m_identity) {
    overrides.emplace_back("HOME", (m_run_dir.path() / "home").string());
    overrides.emplace_back("XDG_RUNTIME_DIR", (m_run_dir.path() / "runtime").string());
    overrides.emplace_back("USER", m_identity->name);
    overrides.emplace_back("LOGNAME", m_identity->name);
  }
  if (util::lookup(host, "LANG").empty() && util::lookup(host, "LC_ALL").empty()) {
    overrides.emplace_back("LANG", "C.UTF-8");
  }
  EnvList env = util::merge_environment(host, overrides);

  const HostServers servers = host_servers();
  // What the test user can reach: the host's display and bus, the paths in its environment.
  ProbeRequest request;
  if (m_identity) {
    request.as = m_identity->credentials;
    request.paths = paths_in(env);
  }
  if (m_options.display == FixtureMode::automatic || m_options.display == FixtureMode::host) {
    request.display = servers.display;
    request.xauthority = servers.xauthority;
    request.wayland_socket = servers.wayland_socket;
  }
  if (m_options.bus == FixtureMode::automatic || m_options.bus == FixtureMode::host) {
    request.bus_address = servers.bus;
  }
  auto found = probe(request);
  if (!found) {
    return util::unexpected(found.error());
  }
  if (!found->finished) {
    warnings.push_back(fmt::format("the checks made as {} did not finish within 10 s (a display "
                                   "or bus that does not answer): the host's are not used",
                                   user_name()));
  }
  if (m_identity) {
    std::vector<std::string> removed;
    const auto& denied = found->denied;
    env = without_denied_paths(
        env,
        [&](std::string_view path) {
          return std::find(denied.begin(), denied.end(), path) != denied.end();
        },
        removed);
  }
  for (const char* name :
       {"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS"}) {
    env = util::without(env, name);
  }
  auto bus = choose_bus(servers, *found, env, warnings);
  if (!bus) {
    return util::unexpected(bus.error());
  }
  // A bus of the run's own listens at $XDG_RUNTIME_DIR/bus, as in a user session, so the run
  // has a runtime directory of its own then (already, when root).
  if (!m_dbus_daemon.empty() && !m_identity) {
    if (auto status = make_private_dir(runtime_dir(""), m_identity); !status) {
      return status;
    }
    bus->emplace_back("XDG_RUNTIME_DIR", runtime_dir("").string());
  }
  auto display = choose_display(servers, *found, env, warnings);
  if (!display) {
    return util::unexpected(display.error());
  }
  bus->insert(bus->end(), display->begin(), display->end());
  m_base_environment = util::merge_environment(env, *bus);
  return util::Ok{};
}

Session::HostServers Session::host_servers() const {
  const EnvList& host = m_options.environment;
  HostServers servers;
  servers.display = util::lookup(host, "DISPLAY");
  servers.wayland = util::lookup(host, "WAYLAND_DISPLAY");
  servers.bus = util::lookup(host, "DBUS_SESSION_BUS_ADDRESS");
  servers.xauthority = util::lookup(host, "XAUTHORITY");
  const auto host_runtime = util::lookup(host, "XDG_RUNTIME_DIR");
  if (!servers.wayland.empty()) {
    servers.wayland_socket = servers.wayland[0] == '/' || host_runtime.empty()
                                 ? servers.wayland
                                 : std::string{host_runtime} + "/" + servers.wayland;
  }
  return servers;
}

std::filesystem::path Session::runtime_dir(const std::string& tag) const {
  return m_run_dir.path() / ("runtime" + tag);
}

std::string Session::user_name() const {
  return m_identity ? m_identity->name : current_user_name();
}

util::Expected<Overrides> Session::choose_display(const HostServers& host, const ProbeResult& found,
                                                  const EnvList& env,
                                                  std::vector<std::string>& warnings) {
  const FixtureMode mode = m_options.display;
  const bool reachable = found.display || found.wayland;
  if (mode == FixtureMode::host && !reachable) {
    return util::unexpected(
        fmt::format("--display=host: no display that {} can reach (DISPLAY={}, WAYLAND_DISPLAY={})",
                    user_name(), host.display.empty() ? "unset" : host.display,
                    host.wayland.empty() ? "unset" : host.wayland));
  }
  Overrides kept;
  if (reachable && (mode == FixtureMode::automatic || mode == FixtureMode::host)) {
    if (found.display) {
      kept.emplace_back("DISPLAY", host.display);
      if (!host.xauthority.empty()) {
        kept.emplace_back("XAUTHORITY", host.xauthority);
      }
    }
    if (found.wayland) {
      // A name is relative to XDG_RUNTIME_DIR, which tests may get a new one of.
      const bool own_runtime = m_identity || !m_dbus_daemon.empty();
      kept.emplace_back("WAYLAND_DISPLAY", own_runtime ? host.wayland_socket : host.wayland);
    }
  } else if (mode == FixtureMode::automatic || mode == FixtureMode::own) {
    m_xvfb = find_server("Xvfb", util::lookup(env, "PATH"));
    if (m_xvfb.empty() && mode == FixtureMode::own) {
      return util::unexpected("--display=own: Xvfb is not installed (or not on PATH)");
    }
    if (m_xvfb.empty()) {
      warnings.push_back("Xvfb is not installed (or not on PATH): tests run without a display");
    }
  }
  return kept;
}

util::Expected<Overrides> Session::choose_bus(const HostServers& host, const ProbeResult& found,
                                              const EnvList& env,
                                              std::vector<std::string>& warnings) {
  const FixtureMode mode = m_options.bus;
  if (mode == FixtureMode::host && !found.bus) {
    return util::unexpected(fmt::format(
        "--bus=host: {} cannot connect to the session bus (DBUS_SESSION_BUS_ADDRESS={})",
        user_name(), host.bus.empty() ? "unset" : host.bus));
  }
  Overrides kept;
  if (found.bus && (mode == FixtureMode::automatic || mode == FixtureMode::host)) {
    kept.emplace_back("DBUS_SESSION_BUS_ADDRESS", host.bus);
  } else if (mode == FixtureMode::automatic || mode == FixtureMode::own) {
    m_dbus_daemon = find_server("dbus-daemon", util::lookup(env, "PATH"));
    if (m_dbus_daemon.empty() && mode == FixtureMode::own) {
      return util::unexpected("--bus=own: dbus-daemon is not installed (or not on PATH)");
    }
    if (m_dbus_daemon.empty()) {
      warnings.push_back(
          "dbus-daemon is not installed (or not on PATH): tests run without a session bus");
    }
  }
  return kept;
}

util::Status Session::start_servers(Servers& servers, const std::string& tag) {
  if (m_xvfb.empty() && m_dbus_daemon.empty()) {
    return util::Ok{};
  }
  if (!m_xvfb.empty()) {
    // The authority file, in a directory made now in the run's (root's, when root) directory:
    // tests cannot have prepared anything in it.
    const auto private_dir = m_run_dir.path() / ("servers" + tag);
    if (auto status = make_private_dir(private_dir, m_identity); !status) {
      return status;
    }
    auto cookie = random_cookie();
    if (!cookie) {
      return util::unexpected(cookie.error());
    }
    const auto auth = private_dir / "Xauthority";
    if (auto status = write_private_file(auth, xauthority_entry(*cookie), m_identity); !status) {
      return status;
    }
    if (::geteuid() == 0) {
      // Where X servers put their sockets; as systemd-tmpfiles makes it.
      if (::mkdir("/tmp/.X11-unix", 01777) == 0) {
        ::chmod("/tmp/.X11-unix", 01777);
      }
    }
    std::string line;
    auto status = start_server(servers.display, "Xvfb", m_xvfb,
                               {"Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-auth",
                                auth.string(), "-screen", "0", "1280x1024x24", "-noreset"},
                               m_base_environment, "xvfb" + tag + ".log", line);
    if (!status) {
      return status;
    }
    if (line.empty() ||
        !std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return util::unexpected(fmt::format("Xvfb gave an unexpected display number: {}", line));
    }
    servers.overrides.emplace_back("DISPLAY", ":" + line);
    servers.overrides.emplace_back("XAUTHORITY", auth.string());
  }
  if (!m_dbus_daemon.empty()) {
    // The run's runtime directory was made before any test ran; fresh servers get a fresh one.
    const auto runtime = runtime_dir(tag);
    if (!tag.empty()) {
      if (auto status = make_private_dir(runtime, m_identity); !status) {
        return status;
      }
      servers.overrides.emplace_back("XDG_RUNTIME_DIR", runtime.string());
    }
    const auto socket = runtime / "bus";
    // Services the bus starts inherit its environment: they see the same display.
    std::string line;
    auto status = start_server(servers.bus, "dbus-daemon", m_dbus_daemon,
                               {"dbus-daemon", "--session", "--nofork", "--nopidfile", "--nosyslog",
                                "--print-address=3", "--address=unix:path=" + socket.string()},
                               util::merge_environment(m_base_environment, servers.overrides),
                               "dbus" + tag + ".log", line);
    if (!status) {
      return status;
    }
    if (line.empty()) {
      return util::unexpected("dbus-daemon gave no address");
    }
    // What a user session sets (dbus-user-session, systemd --user): just the path, which tests
    // compare with $XDG_RUNTIME_DIR/bus.
    const util::GCharPtr escaped{g_dbus_address_escape_value(socket.c_str())};
    servers.overrides.emplace_back("DBUS_SESSION_BUS_ADDRESS",
                                   fmt::format("unix:path={}", escaped.get()));
  }
  return util::Ok{};
}

util::Status Session::start_server(std::optional<Fixture>& slot, std::string label,
                                   std::string program, std::vector<std::string> argv, EnvList env,
                                   const std::string& log_name, std::string& ready_line) {
  FixtureSpec spec;
  spec.label = std::move(label);
  spec.request.program = std::move(program);
  spec.request.argv = std::move(argv);
  spec.request.env = std::move(env);
  spec.request.cwd = "/";
  if (m_identity) {
    spec.request.credentials = m_identity->credentials;
  }
  spec.log = m_run_dir.path() / log_name;
  spec.startup = m_options.startup;
  auto server = Fixture::start(m_spawner, std::move(spec), ready_line);
  if (!server) {
    return util::unexpected(server.error());
  }
  slot.emplace(std::move(*server));
  return util::Ok{};
}

util::Expected<std::unique_ptr<Servers>> Session::start_fresh_servers() {
  auto servers = std::make_unique<Servers>();
  if (auto status = start_servers(*servers, "-" + std::to_string(++m_fresh_count)); !status) {
    return util::unexpected(status.error());
  }
  return servers;
}

} // namespace ginsttest::session
