// The defaults of the options, in one place: the Config, the runner's own options, the --help
// text and the man page's "default:" all mean these.
#pragma once

#include <chrono>
#include <cstdint>

namespace ginsttest::core::defaults {

inline constexpr std::chrono::seconds timeout{300};                 // --timeout
inline constexpr std::chrono::milliseconds kill_grace{5000};        // --kill-grace
inline constexpr unsigned output_lines = 100;                       // --output-lines
inline constexpr std::chrono::milliseconds backtrace_timeout{5000}; // --backtrace-timeout
inline constexpr std::uint64_t max_core_size = 128 * 1024 * 1024;   // --max-core-size

} // namespace ginsttest::core::defaults
