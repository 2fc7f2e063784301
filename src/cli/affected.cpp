#include "cli/affected.hpp"

#include "discovery/test_file.hpp"
#include "impact/impact.hpp"
#include "util/strings.hpp"

#include <cstdlib>

namespace ginsttest::cli {

util::Expected<AffectedTests> select_affected(const core::Config& config,
                                              discovery::Catalog& catalog) {
  AffectedTests affected;
  if (config.affected_by.empty() && config.changed_symbols.empty()) {
    return affected;
  }
  impact::ImpactOptions options;
  options.affected_by = config.affected_by;
  options.changed_symbols = config.changed_symbols;
  // Tests inherit the runner's PATH and LD_LIBRARY_PATH: find their programs the same way.
  const char* path = std::getenv("PATH");
  options.path = path ? path : "/usr/local/bin:/usr/bin:/bin";
  if (const char* ld_path = std::getenv("LD_LIBRARY_PATH")) {
    for (const auto& dir : util::split(ld_path, ':')) {
      if (!dir.empty()) {
        options.ld_library_path.emplace_back(dir);
      }
    }
  }
  auto analyzer = impact::Analyzer::create(std::move(options));
  if (!analyzer) {
    return util::unexpected(analyzer.error());
  }
  std::erase_if(catalog.files, [&](const discovery::TestFile& file) {
    const auto impact = (*analyzer)->analyse(discovery::load_test_file(catalog.locate(file)));
    if (!impact.affected) {
      return true;
    }
    if (impact.uses_changed_symbols) {
      affected.symbol_users.insert(file.name);
    }
    if (!impact.why.empty()) {
      affected.why.emplace(file.name, impact.why);
    }
    return false;
  });
  return affected;
}

} // namespace ginsttest::cli
