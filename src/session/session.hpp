// The session tests run in: an X display, a D-Bus session bus, and, when the runner is root, an
// unprivileged identity with a home and runtime directory of its own (DESIGN.md section 6).
//
// Host fixtures are reused when the test user can reach them; otherwise the runner starts its
// own (Xvfb, dbus-daemon) as that user, under monitors like tests, and stops them at the end.
#pragma once

#include "core/config.hpp"
#include "process/spawner.hpp"
#include "session/fixture.hpp"
#include "session/identity.hpp"
#include "session/probe.hpp"
#include "session/servers.hpp"
#include "util/environment.hpp"
#include "util/expected.hpp"
#include "util/temp_dir.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ginsttest::session {

using util::EnvList;

using core::FixtureMode; // host: an error when unreachable; own: an error when not installed

struct SessionOptions {
  FixtureMode display = FixtureMode::automatic;
  FixtureMode bus = FixtureMode::automatic;
  std::optional<std::string> user; // --user; "nobody" when root and unset
  bool keep_root = false;          // --as-root
  core::StatusMode private_tmp = core::StatusMode::automatic; // automatic: when root
  EnvList environment;                                        // the runner's own
  std::chrono::seconds startup{30};
};

// Whether each process tree (tests, and the servers) gets a PID namespace of its own, for
// process::Spawner::start: `mode` automatic when root and the kernel allows it; yes needs both.
util::Expected<bool> use_private_pids(core::StatusMode mode);

class Session final : public ServerSource {
public:
  // Prepares the identity and environment and starts the fixtures that are needed. Warnings
  // (a server program not installed) are added to `warnings`. An error means the run cannot
  // have the session it asked for; nothing is left running then.
  static util::Expected<std::unique_ptr<Session>>
  start(SessionOptions options, process::Spawner& spawner, std::vector<std::string>& warnings);

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Stops the servers (and what they started) and removes the run's directory.
  ~Session();

  // What tests inherit; TMPDIR, GIO_USE_VFS and TestEnvironment come on top.
  const EnvList& environment() const { return m_environment; }
  // Who tests run as; unset: the runner's own identity.
  const std::optional<Identity>& identity() const { return m_identity; }
  bool private_tmp() const { return m_private_tmp; }

  // A display and bus of its own for one test, where the run uses servers it started; the
  // overrides apply to environment(). The servers stop when the result is destroyed.
  util::Expected<std::unique_ptr<Servers>> start_fresh_servers() override;

private:
  Session(SessionOptions options, process::Spawner& spawner)
      : m_options(std::move(options)), m_spawner(spawner) {}
  // The host's display and bus, as the environment names them.
  struct HostServers {
    std::string display;
    std::string wayland;
    std::string wayland_socket; // its path
    std::string xauthority;     // used only as it is: root's cookie is never handed on
    std::string bus;
  };

  util::Status prepare_identity();
  util::Status prepare_environment(std::vector<std::string>& warnings);
  HostServers host_servers() const;
  // Each keeps the host's server (the overrides that point at it) or decides to start one.
  util::Expected<Overrides> choose_display(const HostServers& host, const ProbeResult& found,
                                           const EnvList& env, std::vector<std::string>& warnings);
  util::Expected<Overrides> choose_bus(const HostServers& host, const ProbeResult& found,
                                       const EnvList& env, std::vector<std::string>& warnings);
  util::Status start_servers(Servers& servers, const std::string& tag);
  // Starts one server as the test user into `slot`; its ready line in `ready_line`.
  util::Status start_server(std::optional<Fixture>& slot, std::string label, std::string program,
                            std::vector<std::string> argv, EnvList env, const std::string& log_name,
                            std::string& ready_line);
  std::string user_name() const; // who tests run as
  // The tests' XDG_RUNTIME_DIR when the run makes it: the run's ("" tag), or fresh servers'.
  std::filesystem::path runtime_dir(const std::string& tag) const;

  SessionOptions m_options;
  process::Spawner& m_spawner;
  std::optional<Identity> m_identity;
  bool m_private_tmp = false;
  util::TempDir m_run_dir; // home/, runtime/ (with the bus), the servers' logs and X cookies
  std::string m_xvfb;      // the programs to start; "" when not needed or not installed
  std::string m_dbus_daemon;
  unsigned m_fresh_count = 0; // names the files of fresh servers
  EnvList m_base_environment; // without any display or bus
  EnvList m_environment;
  Servers m_servers; // the run's own
};

} // namespace ginsttest::session
