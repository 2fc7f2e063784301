// What kind of terminal a stream is, decided once per run.
#pragma once

namespace ginsttest::report {

// A terminal that understands "\r" + "\x1b[K" overprinting: isatty() and TERM is not "dumb".
bool is_smart_terminal(int fd);

// Colour per https://no-color.org and FORCE_COLOR: NO_COLOR set (non-empty) disables it,
// FORCE_COLOR set (non-empty, not "0") enables it, otherwise only on a smart terminal.
bool wants_colour(int fd);

// Columns of the terminal on `fd`, or 80 when unknown.
int terminal_width(int fd);

} // namespace ginsttest::report
