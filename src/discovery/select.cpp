#include "discovery/select.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ginsttest::discovery {

util::Expected<Selector> Selector::create(std::vector<std::string> prefixes,
                                          const std::vector<std::string>& excludes) {
  Selector selector;
  selector.m_prefixes = std::move(prefixes);
  for (const auto& pattern : excludes) {
    util::GErrorOut error;
    GRegex* regex = g_regex_new(pattern.c_str(), G_REGEX_OPTIMIZE, GRegexMatchFlags{}, error.out());
    if (!regex) {
      return util::configuration_error(
          fmt::format("invalid --exclude expression '{}': {}", pattern, error.message()));
    }
    selector.m_excludes.emplace_back(regex, g_regex_unref);
  }
  return selector;
}

bool Selector::selects(std::string_view name) const {
  if (!m_prefixes.empty() &&
      std::none_of(m_prefixes.begin(), m_prefixes.end(),
                   [&](const std::string& prefix) { return name.starts_with(prefix); })) {
    return false;
  }
  const std::string owned{name};
  return std::none_of(m_excludes.begin(), m_excludes.end(), [&](const auto& regex) {
    return g_regex_match(regex.get(), owned.c_str(), GRegexMatchFlags{}, nullptr);
  });
}

} // namespace ginsttest::discovery
