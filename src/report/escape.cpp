#include "report/escape.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

namespace ginsttest::report {
namespace {

constexpr std::string_view replacement = "\xef\xbf\xbd"; // U+FFFD

// Calls `emit(code, bytes)` for each character of `text`, or `emit(invalid, byte)` for each byte
// that does not start a valid UTF-8 sequence.
constexpr char32_t invalid = 0xffffffff;
template <typename Emit> void for_each_character(std::string_view text, Emit emit) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    const std::size_t length = utf8_sequence(text.substr(i), code);
    if (length == 0) {
      emit(invalid, text.substr(i, 1));
      i++;
    } else {
      emit(code, text.substr(i, length));
      i += length;
    }
  }
}

} // namespace

std::size_t utf8_sequence(std::string_view text, char32_t& code) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.empty()) {
    return 0;
  }
  const unsigned char lead = byte(0);
  std::size_t length;
  char32_t min;
  if (lead < 0x80) {
    code = lead;
    return 1;
  } else if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80, code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800, code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) {
    return 0;
  }
  for (std::size_t i = 1; i < length; i++) {
    if ((byte(i) & 0xc0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (byte(i) & 0x3f);
  }
  if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
    return 0;
  }
  return length;
}

bool is_utf8(std::string_view text) {
  bool valid = true;
  for_each_character(text,
                     [&](char32_t code, std::string_view) { valid = valid && code != invalid; });
  return valid;
}

namespace {

// A double-quoted string in the syntax JSON and YAML share: '"' and '\' escaped, line feeds and
// tabs as \n and \t, U+FFFD for each byte that is not UTF-8, and `escape(code, out)` for every
// other character: it appends an escape and returns true, or returns false to keep it as is.
template <typename Escape> std::string quoted(std::string_view text, Escape escape) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for_each_character(text, [&](char32_t code, std::string_view bytes) {
    if (code == invalid) {
      out += replacement;
    } else if (code == '"' || code == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(code));
    } else if (code == '\n') {
      out += "\\n";
    } else if (code == '\t') {
      out += "\\t";
    } else if (!escape(code, out)) {
      out += bytes;
    }
  });
  out.push_back('"');
  return out;
}

} // namespace

std::string json_string(std::string_view text) {
  return quoted(text, [](char32_t code, std::string& out) {
    if (code < 0x20 || code == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(code));
      return true;
    }
    return false;
  });
}

std::string yaml_string(std::string_view text) {
  return quoted(text, [](char32_t code, std::string& out) {
    if (code < 0x20 || code == 0x7f || (code >= 0x80 && code <= 0x9f)) {
      // \xNN rather than \u00NN: Perl's YAML reader (TAP::Parser) knows only the former.
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(code));
      return true;
    }
    if (code == 0x2028 || code == 0x2029 || code == 0xfffe || code == 0xffff) {
      // U+2028 and U+2029 are line breaks to YAML 1.1 even inside quotes.
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(code));
      return true;
    }
    return false;
  });
}

std::string xml_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_character(text, [&](char32_t code, std::string_view bytes) {
    switch (code) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case '\t':
      out += "&#9;";
      break;
    case '\n':
      out += "&#10;";
      break;
    case '\r':
      out += "&#13;";
      break;
    default:
      if (code == invalid || code == 0xfffe || code == 0xffff) {
        out += replacement;
      } else if (code < 0x20) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(code));
      } else {
        out += bytes;
      }
    }
  });
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_character(text, [&](char32_t code, std::string_view bytes) {
    if (code == invalid) {
      out += replacement;
    } else if (code == '\n' || code == '\r' || code == 0x85 || code == 0x2028 || code == 0x2029) {
      out.push_back(' ');
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string tap_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : one_line(text)) {
    if (c == '#' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

namespace {

// C0 and C1 controls and DEL, and bytes that are not UTF-8: what a terminal may obey.
bool is_control(char32_t code) {
  return code == invalid || code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

// `text` with each character `escaped(code)` picks shown as "\xNN" for each of its bytes.
template <typename Pick> std::string bytes_escaped(std::string_view text, Pick escaped) {
  std::string out;
  out.reserve(text.size());
  for_each_character(text, [&](char32_t code, std::string_view bytes) {
    if (!escaped(code)) {
      out += bytes;
      return;
    }
    for (const char byte : bytes) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(byte));
    }
  });
  return out;
}

} // namespace

std::string terminal_line(std::string_view text) {
  return bytes_escaped(text, [](char32_t code) { return is_control(code) && code != '\t'; });
}

std::string terminal_text(std::string_view text) {
  return bytes_escaped(
      text, [](char32_t code) { return is_control(code) && code != '\t' && code != '\n'; });
}

std::string yaml_block(std::string_view text, std::string_view indent) {
  if (text.empty() || text.front() == ' ' || text.front() == '\t' || text.front() == '\n') {
    return yaml_string(text) + '\n';
  }
  const std::string shown = bytes_escaped(text, [](char32_t code) {
    return (is_control(code) && code != '\t' && code != '\n') || code == 0x2028 || code == 0x2029 ||
           code == 0xfeff || code == 0xfffe || code == 0xffff;
  });
  std::string out = "|\n";
  util::for_each_line(shown, [&](std::string_view line) {
    out += indent;
    out += line;
    out += '\n';
  });
  return out;
}

} // namespace ginsttest::report
