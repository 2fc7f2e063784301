#include "discovery/test_file.hpp"

#include "util/expected.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ginsttest::discovery {
namespace {

constexpr const char* group = "Test";

// The optional string key `key`, or "" when absent.
std::string optional_string(GKeyFile* kf, const char* key) {
  util::GCharPtr value{g_key_file_get_string(kf, group, key, nullptr)};
  return value ? value.get() : "";
}

// Why a key that GLib gave no value for cannot be used: "" when it is simply absent. A value
// that is not UTF-8 is there all the same, and "no Exec key" would send its author looking for
// the wrong mistake.
std::string unusable_value(const util::GErrorOut& error, const char* key) {
  if (error.matches(G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING)) {
    return fmt::format("the value of {} is not valid UTF-8", key);
  }
  return {};
}

// Fills `spec` from the keyfile; returns the reason it cannot be used, or "" when it can.
std::string fill_spec(GKeyFile* kf, core::TestSpec& spec) {
  if (!g_key_file_has_group(kf, group)) {
    return "no [Test] group";
  }

  util::GErrorOut exec_error;
  util::GCharPtr exec{g_key_file_get_string(kf, group, "Exec", exec_error.out())};
  if (!exec) {
    const std::string problem = unusable_value(exec_error, "Exec");
    return problem.empty() ? "no Exec key" : problem;
  }
  util::GErrorOut parse_error;
  int argc = 0;
  char** argv_raw = nullptr;
  if (!g_shell_parse_argv(exec.get(), &argc, &argv_raw, parse_error.out())) {
    if (g_strstrip(exec.get())[0] == '\0') {
      return "Exec is empty";
    }
    return fmt::format("cannot parse Exec: {}", parse_error.message());
  }
  util::GStrvPtr argv{argv_raw};
  spec.argv.assign(argv.get(), argv.get() + argc);

  util::GErrorOut type_error;
  util::GCharPtr type{g_key_file_get_string(kf, group, "Type", type_error.out())};
  if (!type) {
    const std::string problem = unusable_value(type_error, "Type");
    return problem.empty() ? "no Type key (expected session or session-exclusive)" : problem;
  }
  if (std::strcmp(type.get(), "session") == 0) {
    spec.type = core::TestType::session;
  } else if (std::strcmp(type.get(), "session-exclusive") == 0) {
    spec.type = core::TestType::session_exclusive;
  } else {
    return fmt::format("unknown Type '{}' (expected session or session-exclusive)", type.get());
  }

  spec.output_tap = g_ascii_strcasecmp(optional_string(kf, "Output").c_str(), "TAP") == 0;
  spec.description = optional_string(kf, "Description");

  gsize n_env = 0;
  util::GErrorOut env_error;
  util::GStrvPtr env{
      g_key_file_get_string_list(kf, group, "TestEnvironment", &n_env, env_error.out())};
  if (const std::string problem = unusable_value(env_error, "TestEnvironment"); !problem.empty()) {
    return problem;
  }
  for (gsize i = 0; env && i < n_env; i++) {
    const std::string_view entry = env.get()[i];
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fmt::format("TestEnvironment entry '{}' is not NAME=VALUE", entry);
    }
    spec.environment.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return {};
}

// The text of `path`, or "PATH: reason". Symlinks are followed (distributions link .test files to
// shared ones); anything but a regular file is refused without being opened (so that a device
// behind a symlink is not woken), the open itself made with O_NONBLOCK (so that a FIFO put in
// the file's place since cannot hang the run), and at most
// max_test_file_bytes are read: a .test file is a few hundred bytes, and a huge one must not
// cost its size in memory (twice over, once more for GKeyFile).
util::Expected<std::string> read_test_file(const std::filesystem::path& path) {
  const auto failed = [&](std::string_view why) {
    return util::unexpected(fmt::format("{}: {}", path.string(), why));
  };
  // Looked at before it is opened, then checked again once open: it may have changed between.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return failed(util::errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return failed(fmt::format("{}, not a .test file", util::file_type_name(st.st_mode)));
  }
  util::Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    return failed(util::errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return failed(fmt::format("{}, not a .test file", util::file_type_name(st.st_mode)));
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_test_file_bytes) {
    return failed(fmt::format("{} bytes, too big for a .test file (at most {})", st.st_size,
                              max_test_file_bytes));
  }
  // (It may have grown since: the cap holds for what is read.)
  auto contents = util::read_to_end(fd.get(), max_test_file_bytes);
  if (!contents) {
    return failed(contents.error().what);
  }
  return contents;
}

core::TestSpec base_spec(const TestLocation& file) {
  core::TestSpec spec;
  spec.name = file.name;
  spec.file = file.file;
  spec.root = file.root;
  return spec;
}

} // namespace

core::TestSpec parse_test_file(const TestLocation& file, std::string_view contents) {
  core::TestSpec spec = base_spec(file);
  util::GKeyFilePtr kf{g_key_file_new()};
  util::GErrorOut error;
  std::string reason;
  if (!g_key_file_load_from_data(kf.get(), contents.data(), contents.size(), G_KEY_FILE_NONE,
                                 error.out())) {
    reason = fmt::format("not a valid keyfile: {}", error.message());
  } else {
    reason = fill_spec(kf.get(), spec);
  }
  if (!reason.empty()) {
    spec.argv.clear();
    spec.load_error = fmt::format("{}: {}", file.file.string(), reason);
  }
  return spec;
}

core::TestSpec load_test_file(const TestLocation& file) {
  auto contents = read_test_file(file.file);
  if (!contents) {
    core::TestSpec spec = base_spec(file);
    spec.load_error = contents.error().what;
    return spec;
  }
  return parse_test_file(file, *contents);
}

} // namespace ginsttest::discovery
