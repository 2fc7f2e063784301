#include "discovery/plan.hpp"

#include "discovery/order.hpp"
#include "discovery/test_file.hpp"

namespace ginsttest::discovery {

Plan Plan::make(Catalog catalog, core::Order order, std::optional<std::uint64_t> seed) {
  if (order == core::Order::random) {
    seed = seed.value_or(random_seed());
    shuffle(catalog.files, *seed);
  } else {
    seed.reset();
    sort_by_name(catalog.files);
  }
  return Plan{std::move(catalog), seed};
}

core::TestSpec Plan::load(std::size_t index) const {
  return load_test_file(m_catalog.locate(m_catalog.files.at(index)));
}

} // namespace ginsttest::discovery
