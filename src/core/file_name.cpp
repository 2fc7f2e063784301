#include "core/file_name.hpp"

#include "util/glib_ptr.hpp"

#include <glib.h>

#include <algorithm>
#include <cassert>

namespace ginsttest::core {
namespace {

// "%~" and 16 hex digits.
constexpr std::string_view cut_mark = "%~";
constexpr std::size_t hash_digits = 16;

std::string encode(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    switch (c) {
    case '/':
      out += '_';
      break;
    case '_':
      out += "%5F";
      break;
    case '%':
      out += "%25";
      break;
    default:
      out += c;
    }
  }
  if (out == "." || out == "..") {
    std::string dots;
    for (std::size_t i = 0; i < out.size(); i++) {
      dots += "%2E";
    }
    return dots;
  }
  return out;
}

// Whether cutting `text` before byte `at` would split an escape or a UTF-8 character.
bool splits(std::string_view text, std::size_t at) {
  const bool in_escape = (at >= 1 && text[at - 1] == '%') || (at >= 2 && text[at - 2] == '%');
  const bool in_character = (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
  return in_escape || in_character;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1; // only what encode() writes: upper case
}

} // namespace

std::string test_file_name(std::string_view name, std::size_t max_bytes) {
  assert(max_bytes >= 32);
  std::string out = encode(name);
  if (out.size() <= max_bytes) {
    return out;
  }
  std::size_t keep = max_bytes - cut_mark.size() - hash_digits;
  while (keep > 0 && splits(out, keep)) {
    keep--;
  }
  out.resize(keep);
  const util::GCharPtr hash{g_compute_checksum_for_data(
      G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(name.data()), name.size())};
  out += cut_mark;
  out += std::string_view{hash.get()}.substr(0, hash_digits);
  return out;
}

std::optional<std::string> test_name_of_file(std::string_view file_name) {
  std::string name;
  for (std::size_t i = 0; i < file_name.size(); i++) {
    const char c = file_name[i];
    if (c == '_') {
      name += '/';
    } else if (c != '%') {
      name += c;
    } else if (i + 2 < file_name.size() && hex_value(file_name[i + 1]) >= 0 &&
               hex_value(file_name[i + 2]) >= 0) {
      name += static_cast<char>(hex_value(file_name[i + 1]) * 16 + hex_value(file_name[i + 2]));
      i += 2;
    } else {
      return std::nullopt; // "%~" (cut to length), or not an escape
    }
  }
  // Only what test_file_name makes: "%41" is not how "A" is written, nor "a" a cut name's.
  if (test_file_name(name, std::max(max_file_name, file_name.size())) != file_name) {
    return std::nullopt;
  }
  return name;
}

std::string test_run_file_name(std::string_view name, unsigned run, std::size_t max_bytes) {
  if (run <= 1) {
    return test_file_name(name, max_bytes);
  }
  const std::string suffix = "@" + std::to_string(run);
  return test_file_name(name, max_bytes - suffix.size()) + suffix;
}

} // namespace ginsttest::core
