// Text made safe for each report format. Test names, reasons and output are arbitrary bytes; every
// function here gives text its format accepts whatever it is handed: bytes that are not valid
// UTF-8 become U+FFFD, and characters a format cannot carry are escaped or replaced.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ginsttest::report {

// The length of the valid UTF-8 sequence at the start of `text` (1 to 4), its code point in
// `code`; 0 when the first byte does not start one (overlong forms, surrogates and values past
// U+10FFFF are not valid).
std::size_t utf8_sequence(std::string_view text, char32_t& code);

// True when all of `text` is valid UTF-8.
bool is_utf8(std::string_view text);

// A JSON string, quotes included.
std::string json_string(std::string_view text);

// A YAML double-quoted scalar: also escapes what YAML forbids in a stream even when quoted
// (C1 controls, U+FFFE, U+FFFF) and what it reads as a line break (U+2028, U+2029), so PyYAML
// and tmt read it.
std::string yaml_string(std::string_view text);

// XML 1.0 character data, for element content and (double-quoted) attribute values alike:
// markup characters as entities, line breaks and tabs as character references (kept in
// attributes), and the control characters XML cannot carry at all shown as the text "\xNN".
std::string xml_text(std::string_view text);

// `text` as one line of UTF-8: every line break (also NEL, U+2028, U+2029, which some readers
// take as one) becomes a space, and each byte that is not UTF-8 becomes U+FFFD.
std::string one_line(std::string_view text);

// A YAML value for a text of several lines (a backtrace), after "key: ": a literal block
// scalar, "|" then each line of `text` after `indent` (more than the key's), which readers show
// as it was written. What YAML cannot carry in one (control characters but tab, C1 controls,
// U+2028 and U+2029, which YAML 1.1 reads as line breaks, U+FEFF, U+FFFE, U+FFFF) and each byte
// that is not UTF-8 are shown as "\xNN" for each of their bytes, as terminal_text() shows them.
// Read back, the text ends with a line break (one is added when it has none). YAML takes the
// block's indentation from its first line, and Perl's reader (TAP::Parser) knows no
// indentation indicator: a text whose first line starts with a space, a tab or a line break,
// or an empty one, is a yaml_string() instead. Either way the value ends with a line break,
// for the next key to follow.
std::string yaml_block(std::string_view text, std::string_view indent);

// A TAP test point description: one line, with '#' and '\' escaped as TAP 14 asks.
std::string tap_escape(std::string_view text);

// Text from a test (its name, output, TAP points, reasons that quote them) made safe to show on
// a terminal, which would otherwise obey the control sequences in it: redraw a FAIL line as
// PASS, set the window title, write the clipboard (OSC 52). Valid UTF-8 is kept, and so is a
// tab; every byte of every other control character (C0, DEL, and the C1 controls U+0080 to
// U+009F, which some terminals obey as ESC + a letter) is shown as "\xNN", and so is every byte
// that is not UTF-8 (a lone 0x9b is CSI to a terminal in 8-bit mode). The bytes of what was
// escaped can so be read back from the screen; a backslash is kept as it is, so "\x1b" could
// also have been printed as such, but it is harmless either way.
// terminal_line() escapes line feeds too: the text is one line of ours (a name, a reason).
// terminal_text() keeps them: several lines of a message.
std::string terminal_line(std::string_view text);
std::string terminal_text(std::string_view text);

} // namespace ginsttest::report
