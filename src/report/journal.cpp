#include "report/journal.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace ginsttest::report {

bool is_message_id(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

util::Status log_with_message_id(std::string_view message_id, std::string_view message) {
  const std::string id_field = fmt::format("MESSAGE_ID={}", message_id);
  const std::string message_field = fmt::format("MESSAGE={}", message);
  const std::string priority_field = "PRIORITY=6";
  const iovec fields[] = {
      {const_cast<char*>(id_field.data()), id_field.size()},
      {const_cast<char*>(message_field.data()), message_field.size()},
      {const_cast<char*>(priority_field.data()), priority_field.size()},
  };
  if (const int r = sd_journal_sendv(fields, 3); r < 0) {
    return util::unexpected(fmt::format("cannot write to the journal: {}", util::errno_text(-r)));
  }
  return util::Ok{};
}

} // namespace ginsttest::report

namespace ginsttest::report {

// Filled in with the journal events (work in progress).
void Journal::run_started(const RunInfo& /*info*/) {}
void Journal::test_started(const core::TestSpec& /*spec*/) {}
void Journal::test_finished(const core::TestSpec& /*spec*/, const core::TestResult& /*result*/) {}
void Journal::test_not_run(const core::TestSpec& /*spec*/, int /*signo*/) {}
void Journal::run_finished(const core::RunSummary& /*summary*/) {}

std::string new_run_id() {
  sd_id128_t id;
  if (sd_id128_randomize(&id) < 0) {
    return std::string(32, '0');
  }
  char text[SD_ID128_STRING_MAX];
  return sd_id128_to_string(id, text);
}

bool stdout_is_journal() {
  return false;
}

} // namespace ginsttest::report
