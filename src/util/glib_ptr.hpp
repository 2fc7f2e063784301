// RAII for the GLib objects this project uses.
#pragma once

#include <glib-object.h>
#include <glib.h>

#include <memory>
#include <string>

namespace ginsttest::util {

struct GFreeDeleter {
  void operator()(void* p) const { g_free(p); }
};
struct GStrvDeleter {
  void operator()(char** p) const { g_strfreev(p); }
};
struct GKeyFileDeleter {
  void operator()(GKeyFile* p) const { g_key_file_free(p); }
};
struct GErrorDeleter {
  void operator()(GError* p) const { g_error_free(p); }
};
struct GRegexDeleter {
  void operator()(GRegex* p) const { g_regex_unref(p); }
};
struct GOptionContextDeleter {
  void operator()(GOptionContext* p) const { g_option_context_free(p); }
};

struct GObjectDeleter {
  void operator()(void* p) const { g_object_unref(p); }
};

using GCharPtr = std::unique_ptr<char, GFreeDeleter>;
using GStrvPtr = std::unique_ptr<char*, GStrvDeleter>;
using GKeyFilePtr = std::unique_ptr<GKeyFile, GKeyFileDeleter>;
using GErrorPtr = std::unique_ptr<GError, GErrorDeleter>;
using GRegexPtr = std::unique_ptr<GRegex, GRegexDeleter>;
using GOptionContextPtr = std::unique_ptr<GOptionContext, GOptionContextDeleter>;
// Any GObject (a JsonParser...), unreferenced when dropped.
template <typename T> using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;

// Collects a GError from a C call: `GErrorOut err; f(..., err.out()); if (err)
// use(err.message());`.
class GErrorOut {
public:
  GError** out() { return &m_raw; }
  explicit operator bool() const { return m_raw != nullptr; }
  std::string message() const { return m_raw ? m_raw->message : ""; }
  // True when the error is `code` of `domain` (G_KEY_FILE_ERROR...).
  bool matches(GQuark domain, int code) const { return g_error_matches(m_raw, domain, code); }
  ~GErrorOut() {
    if (m_raw) {
      g_error_free(m_raw);
    }
  }
  GErrorOut() = default;
  GErrorOut(const GErrorOut&) = delete;
  GErrorOut& operator=(const GErrorOut&) = delete;

private:
  GError* m_raw = nullptr;
};

} // namespace ginsttest::util
