// An incremental TAP parser (TAP 12, 13 and 14, and what GLib 2.74 prints): fed bytes as they
// arrive, it emits one event per construct. It does no I/O and keeps at most one line (cut at
// a fixed length) and one YAML block (also capped) in memory, whatever the stream's length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ginsttest::tap {

enum class Directive { none, skip, todo };

struct Version {
  int number = 12;
};
// "1..N", with the text of a trailing comment ("1..0 # SKIP no display": reason "SKIP no
// display"). first > last means nothing is planned (a skip of the whole stream).
struct Plan {
  std::uint64_t first = 1;
  std::uint64_t last = 0;
  std::string_view comment;
};
struct TestPoint {
  bool ok = false;
  std::optional<std::uint64_t> number;
  std::string_view description; // unescaped: "\#" is '#', "\\" is '\'
  Directive directive = Directive::none;
  std::string_view reason; // the directive's text ("SKIP no network": "no network")
};
// A YAML diagnostics block following a test point, without its markers and indentation.
struct YamlBlock {
  std::string_view text;
};
struct BailOut {
  std::string_view reason;
};
struct Pragma {
  bool enable = true;
  std::string_view name;
};
struct Comment {
  std::string_view text; // after "#" and the spaces that follow it
};
// A child stream begins (TAP 14 indented subtest); `name` from "# Subtest: name" when given.
struct SubtestStart {
  std::string_view name;
};
struct SubtestEnd {};
// Anything else, kept for the log; never an error.
struct Unknown {
  std::string_view line;
};

using Payload = std::variant<Version, Plan, TestPoint, YamlBlock, BailOut, Pragma, Comment,
                             SubtestStart, SubtestEnd, Unknown>;

// The text in an event points into the parser's buffers: it is valid during on_event() only.
struct Event {
  unsigned depth = 0;     // 0 for the top-level stream, 1 for a subtest of it...
  bool truncated = false; // the line or block was longer than the limit and was cut
  Payload payload;
};

class EventSink {
public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
};

class Parser {
public:
  // Lines longer than `max_line` bytes are cut there (and flagged); a YAML block is capped at
  // the same size.
  explicit Parser(EventSink& sink, std::size_t max_line = 64 * 1024)
      : m_sink(sink), m_max_line(max_line) {}

  // Parses `bytes`, a piece of the stream of any size, split anywhere.
  void feed(std::string_view bytes);

  // The stream has ended: an unterminated last line, YAML block or subtests are closed.
  void finish();

private:
  void handle_line(std::string_view line, bool truncated);
  void handle_tap(std::string_view content, unsigned depth, bool truncated);
  void close_subtests(unsigned depth);
  void emit(unsigned depth, bool truncated, Payload payload);

  EventSink& m_sink;
  std::size_t m_max_line;
  std::string m_line;
  bool m_line_truncated = false;

  unsigned m_depth = 0;        // subtests open
  std::string m_subtest_name;  // from a "# Subtest: name" not yet followed by its stream
  bool m_yaml_allowed = false; // the previous line was a test point
  unsigned m_point_depth = 0;  // and its depth
  bool m_in_yaml = false;
  std::size_t m_yaml_indent = 0;
  unsigned m_yaml_depth = 0;
  std::string m_yaml;
  bool m_yaml_truncated = false;
  std::string m_description; // unescaped text of the current point, reused
  std::string m_reason;
};

} // namespace ginsttest::tap
