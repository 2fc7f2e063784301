#include "discovery/test_file.hpp"

#include "util/glib_ptr.hpp"

#include <fmt/format.h>

#include <cstring>

namespace ginsttest::discovery {
namespace {

constexpr const char* group = "Test";

// The optional string key `key`, or "" when absent.
std::string optional_string(GKeyFile* kf, const char* key) {
  util::GCharPtr value{g_key_file_get_string(kf, group, key, nullptr)};
  return value ? value.get() : "";
}

// Fills `spec` from the keyfile; returns the reason it cannot be used, or "" when it can.
std::string fill_spec(GKeyFile* kf, core::TestSpec& spec) {
  if (!g_key_file_has_group(kf, group)) {
    return "no [Test] group";
  }

  util::GErrorOut exec_error;
  util::GCharPtr exec{g_key_file_get_string(kf, group, "Exec", exec_error.out())};
  if (!exec) {
    return "no Exec key";
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

  util::GCharPtr type{g_key_file_get_string(kf, group, "Type", nullptr)};
  if (!type) {
    return "no Type key (expected session or session-exclusive)";
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
  util::GStrvPtr env{g_key_file_get_string_list(kf, group, "TestEnvironment", &n_env, nullptr)};
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
  gchar* raw = nullptr;
  gsize length = 0;
  util::GErrorOut error;
  if (!g_file_get_contents(file.file.c_str(), &raw, &length, error.out())) {
    core::TestSpec spec = base_spec(file);
    // GLib's message already names the file.
    spec.load_error = error.message();
    return spec;
  }
  util::GCharPtr contents{raw};
  return parse_test_file(file, std::string_view{raw, length});
}

} // namespace ginsttest::discovery
