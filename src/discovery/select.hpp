// Chooses which tests run: name prefixes (positional arguments) and --exclude expressions.
#pragma once

#include "util/expected.hpp"
#include "util/glib_ptr.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::discovery {

class Selector {
public:
  // Compiles the exclude expressions; a bad one is an error naming it.
  static util::Expected<Selector> create(std::vector<std::string> prefixes,
                                         const std::vector<std::string>& excludes);

  // True when `name` starts with one of the prefixes (or there are none) and no exclude
  // expression matches anywhere in it.
  bool selects(std::string_view name) const;

private:
  std::vector<std::string> m_prefixes;
  std::vector<std::shared_ptr<GRegex>> m_excludes;
};

} // namespace ginsttest::discovery
