#include "tap/parser.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace ginsttest::tap {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view ltrim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  return s;
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view trim(std::string_view s) {
  return rtrim(ltrim(s));
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// Reads a decimal number at the start of `s` (at most 19 digits) and removes it.
std::optional<std::uint64_t> take_number(std::string_view& s) {
  std::size_t n = 0;
  std::uint64_t value = 0;
  while (n < s.size() && n < 19 && std::isdigit(static_cast<unsigned char>(s[n]))) {
    value = value * 10 + static_cast<std::uint64_t>(s[n] - '0');
    n++;
  }
  if (n == 0 || (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])))) {
    return std::nullopt;
  }
  s.remove_prefix(n);
  return value;
}

// The position of the first '#' not escaped by a backslash, or npos.
std::size_t unescaped_hash(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\') {
      i++;
    } else if (s[i] == '#') {
      return i;
    }
  }
  return std::string_view::npos;
}

// "\#" becomes '#' and "\\" becomes '\'; other backslashes stay. The result is `s` itself
// when there is nothing to unescape (the common case), else lives in `buffer`.
std::string_view unescape(std::string_view s, std::string& buffer) {
  if (s.find('\\') == std::string_view::npos) {
    return s;
  }
  std::string& out = buffer;
  out.clear();
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '#' || s[i + 1] == '\\')) {
      i++;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::optional<Plan> parse_plan(std::string_view s) {
  Plan plan;
  // The plan is "1..N": a count from one (TAP 14, and what TAP::Parser accepts).
  const auto first = take_number(s);
  if (!first || *first != 1 || !s.starts_with("..")) {
    return std::nullopt;
  }
  s.remove_prefix(2);
  const auto last = take_number(s);
  if (!last) {
    return std::nullopt;
  }
  s = ltrim(s);
  if (!s.empty() && s.front() != '#') {
    return std::nullopt;
  }
  plan.first = *first;
  plan.last = *last;
  if (!s.empty()) {
    plan.comment = trim(s.substr(1));
  }
  return plan;
}

// "ok", "not ok" followed by the end or a blank. Unescaped text may go to the two buffers.
std::optional<TestPoint> parse_point(std::string_view s, std::string& description,
                                     std::string& reason) {
  TestPoint point;
  if (s.starts_with("not ok")) {
    s.remove_prefix(6);
  } else if (s.starts_with("ok")) {
    point.ok = true;
    s.remove_prefix(2);
  } else {
    return std::nullopt;
  }
  if (!s.empty() && !is_blank(s.front())) {
    return std::nullopt; // "okay", "ok1"...
  }
  s = ltrim(s);
  if (auto number = take_number(s)) {
    point.number = number;
    s = ltrim(s);
  }
  if (s.starts_with("-")) {
    s = ltrim(s.substr(1));
  }
  const auto hash = unescaped_hash(s);
  point.description = unescape(rtrim(s.substr(0, hash)), description);
  if (hash != std::string_view::npos) {
    auto directive = ltrim(s.substr(hash + 1));
    const bool skip = starts_with_nocase(directive, "skip");
    const bool todo = starts_with_nocase(directive, "todo");
    if (skip || todo) {
      point.directive = skip ? Directive::skip : Directive::todo;
      // SKIP\S* and TODO\S*: "SKIPPED:" is a skip too.
      while (!directive.empty() && !is_blank(directive.front())) {
        directive.remove_prefix(1);
      }
      point.reason = unescape(trim(directive), reason);
    }
  }
  return point;
}

} // namespace

void Parser::emit(unsigned depth, bool truncated, Payload payload) {
  m_sink.on_event(Event{depth, truncated, std::move(payload)});
}

void Parser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const auto piece = bytes.substr(0, nl);
    if (nl != std::string_view::npos && m_line.empty() && !m_line_truncated &&
        piece.size() <= m_max_line) {
      // A whole line in this piece: parse it where it is, without copying.
      handle_line(piece.ends_with('\r') ? piece.substr(0, piece.size() - 1) : piece, false);
      bytes.remove_prefix(nl + 1);
      continue;
    }
    const std::size_t room = m_max_line - std::min(m_max_line, m_line.size());
    m_line.append(piece.substr(0, room));
    m_line_truncated = m_line_truncated || piece.size() > room;
    if (nl == std::string_view::npos) {
      return;
    }
    std::string_view line = m_line;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    handle_line(line, m_line_truncated);
    m_line.clear();
    m_line_truncated = false;
    bytes.remove_prefix(nl + 1);
  }
}

void Parser::finish() {
  if (!m_line.empty() || m_line_truncated) {
    feed("\n");
  }
  if (m_in_yaml) {
    // An unterminated block: what there is still belongs to its test point.
    m_in_yaml = false;
    emit(m_yaml_depth, true, YamlBlock{m_yaml});
    m_yaml.clear();
  }
  close_subtests(0);
}

void Parser::close_subtests(unsigned depth) {
  while (m_depth > depth) {
    emit(m_depth, false, SubtestEnd{});
    m_depth--;
  }
}

void Parser::handle_line(std::string_view line, bool truncated) {
  std::size_t indent = 0;
  while (indent < line.size() && line[indent] == ' ') {
    indent++;
  }
  const std::string_view rest = line.substr(indent);

  if (m_in_yaml) {
    if (indent == m_yaml_indent && rtrim(rest) == "...") {
      m_in_yaml = false;
      emit(m_yaml_depth, m_yaml_truncated, YamlBlock{m_yaml});
      m_yaml.clear();
      m_yaml_truncated = false;
      return;
    }
    const auto content = line.substr(std::min(indent, m_yaml_indent));
    if (m_yaml.size() + content.size() + 1 <= m_max_line) {
      m_yaml.append(content);
      m_yaml.push_back('\n');
    } else {
      m_yaml_truncated = true;
    }
    return;
  }
  if (m_yaml_allowed && indent > m_point_depth * 4 && rtrim(rest) == "---") {
    m_in_yaml = true;
    m_yaml_indent = indent;
    m_yaml_depth = m_point_depth;
    m_yaml_allowed = false;
    return;
  }
  m_yaml_allowed = false;
  if (trim(rest).empty()) {
    return; // blank lines mean nothing in TAP
  }
  const unsigned depth = static_cast<unsigned>(std::min<std::size_t>(indent / 4, 1000));
  handle_tap(rtrim(rest), depth, truncated);
}

void Parser::handle_tap(std::string_view s, unsigned depth, bool truncated) {
  // Not part of the structure: comments and unknown lines stay at the current depth at most.
  const unsigned here = std::min(depth, m_depth);

  if (s.starts_with("#")) {
    const auto text = ltrim(s.substr(1));
    if (starts_with_nocase(text, "subtest")) {
      auto name = text.substr(7);
      name = ltrim(name.starts_with(":") ? name.substr(1) : name);
      if (depth == m_depth + 1) {
        // TAP 14: the comment is indented like the child stream it opens.
        m_depth = depth;
        emit(depth, truncated, SubtestStart{name});
      } else {
        close_subtests(std::min(depth, m_depth));
        m_subtest_name = std::string{name};
      }
      return;
    }
    emit(here, truncated, Comment{text});
    return;
  }

  Payload payload;
  if (starts_with_nocase(s, "TAP version ")) {
    auto rest = s.substr(12);
    const auto number = take_number(rest);
    if (!number || !trim(rest).empty()) {
      emit(here, truncated, Unknown{s});
      return;
    }
    payload = Version{static_cast<int>(std::min<std::uint64_t>(*number, 1000))};
  } else if (auto plan = parse_plan(s)) {
    payload = std::move(*plan);
  } else if (auto point = parse_point(s, m_description, m_reason)) {
    payload = std::move(*point);
  } else if (s.starts_with("Bail out!")) {
    payload = BailOut{trim(s.substr(9))};
  } else if (s.starts_with("pragma ") && s.size() > 8 && (s[7] == '+' || s[7] == '-')) {
    payload = Pragma{s[7] == '+', trim(s.substr(8))};
  } else {
    emit(here, truncated, Unknown{s});
    return;
  }

  // A TAP line moves the structure: deeper opens subtests, shallower closes them.
  if (depth > m_depth) {
    while (m_depth < depth) {
      m_depth++;
      emit(m_depth, false, SubtestStart{m_subtest_name});
      m_subtest_name.clear();
    }
  } else if (depth < m_depth) {
    close_subtests(depth);
  }
  const bool is_point = std::holds_alternative<TestPoint>(payload);
  emit(depth, truncated, std::move(payload));
  if (is_point) {
    m_yaml_allowed = true;
    m_point_depth = depth;
  }
}

} // namespace ginsttest::tap
