// Messages to the systemd journal.
#pragma once

#include "util/expected.hpp"

#include <string_view>

namespace ginsttest::report {

// Sends MESSAGE=`message` with MESSAGE_ID=`message_id` (32 hex digits) to the journal.
util::Status log_with_message_id(std::string_view message_id, std::string_view message);

// True when `text` is a valid MESSAGE_ID: 32 lower- or upper-case hex digits.
bool is_message_id(std::string_view text);

} // namespace ginsttest::report
