#include "history/baseline.hpp"

#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <json-glib/json-glib.h>

#include <fstream>

namespace ginsttest::history {
namespace {

// The string member `key` of `object`, or nullopt when it is missing or not a string.
std::optional<std::string_view> string_member(JsonObject* object, const char* key) {
  JsonNode* node = json_object_get_member(object, key);
  if (!node || JSON_NODE_TYPE(node) != JSON_NODE_VALUE ||
      json_node_get_value_type(node) != G_TYPE_STRING) {
    return std::nullopt;
  }
  return std::string_view{json_node_get_string(node)};
}

} // namespace

util::Expected<Baseline> Baseline::load(const std::filesystem::path& file) {
  std::ifstream in{file};
  if (!in) {
    return util::io_error(fmt::format("--baseline {}: {}", file.string(), util::errno_text(errno)));
  }
  Baseline baseline;
  util::GObjectPtr<JsonParser> parser{json_parser_new()};
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); number++) {
    const auto where = fmt::format("--baseline {}:{}", file.string(), number);
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    util::GErrorOut error;
    if (!json_parser_load_from_data(parser.get(), line.data(), static_cast<gssize>(line.size()),
                                    error.out())) {
      return util::parse_error(fmt::format("{}: not JSON: {}", where, error.message()));
    }
    JsonNode* root = json_parser_get_root(parser.get());
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
      return util::parse_error(fmt::format("{}: not a JSON object", where));
    }
    JsonObject* record = json_node_get_object(root);
    if (string_member(record, "record") != "test") {
      continue; // a summary, a test that was not run, or a record of a later version
    }
    const auto name = string_member(record, "name");
    const auto outcome_text = string_member(record, "outcome");
    if (!name || name->empty()) {
      return util::parse_error(fmt::format("{}: a test record without a name", where));
    }
    const auto outcome = outcome_text ? core::outcome_named(*outcome_text) : std::nullopt;
    if (!outcome) {
      return util::parse_error(fmt::format("{}: test {} has no known outcome", where, *name));
    }
    baseline.m_outcomes.insert_or_assign(std::string{*name}, *outcome);
  }
  if (in.bad()) {
    return util::io_error(fmt::format("--baseline {}: {}", file.string(), util::errno_text(errno)));
  }
  if (baseline.m_outcomes.empty()) {
    return util::parse_error(fmt::format(
        "--baseline {}: no test results in it (not a --json file of a run?)", file.string()));
  }
  return baseline;
}

std::optional<core::Outcome> Baseline::outcome(std::string_view name) const {
  const auto it = m_outcomes.find(std::string{name});
  if (it == m_outcomes.end()) {
    return std::nullopt;
  }
  return it->second;
}

core::BaselineComparison Baseline::compare(std::string_view name, core::Outcome now) const {
  const auto before = outcome(name);
  return core::BaselineComparison{before, core::compare(before, now)};
}

} // namespace ginsttest::history
