#include "discovery/plan.hpp"

#include "discovery/order.hpp"
#include "discovery/test_file.hpp"

#include <algorithm>

namespace ginsttest::discovery {

Plan Plan::make(Catalog catalog, core::Order order, std::optional<std::uint64_t> seed,
                const DurationOf& duration) {
  if (order == core::Order::automatic) {
    const bool known =
        duration && std::any_of(catalog.files.begin(), catalog.files.end(),
                                [&](const TestFile& file) { return duration(file).has_value(); });
    order = known ? core::Order::longest : core::Order::random;
  }
  if (order == core::Order::name) {
    sort_by_name(catalog.files);
    return Plan{std::move(catalog), std::nullopt, false};
  }
  seed = seed.value_or(random_seed());
  if (order == core::Order::longest && duration) {
    discovery::longest_first(catalog.files, duration, *seed);
    return Plan{std::move(catalog), seed, true};
  }
  shuffle(catalog.files, *seed);
  return Plan{std::move(catalog), seed, false};
}

core::TestSpec Plan::load(std::size_t index) const {
  return load_test_file(m_catalog.locate(m_catalog.files.at(index)));
}

} // namespace ginsttest::discovery
