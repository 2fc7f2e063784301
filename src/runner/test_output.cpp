#include "runner/test_output.hpp"

namespace ginsttest::runner {

TestOutput::TestOutput(std::size_t tail_bytes, bool tap) : m_capture(tail_bytes) {
  if (tap) {
    m_tally = std::make_unique<tap::Tally>();
    m_parser = std::make_unique<tap::Parser>(*m_tally);
  }
}

void TestOutput::on_output(Stream from, std::string_view data) {
  if (m_parser && from == Stream::out) {
    m_parser->feed(data);
  }
  if (!m_parser) {
    m_capture.append(data); // one pipe: already in the order written
    return;
  }
  std::string& pending = m_partial[from == Stream::out ? 0 : 1];
  const auto last_newline = data.rfind('\n');
  if (last_newline == std::string_view::npos) {
    pending.append(data);
    if (pending.size() > max_partial) {
      m_capture.append(pending);
      pending.clear();
    }
    return;
  }
  m_capture.append(pending);
  m_capture.append(data.substr(0, last_newline + 1));
  pending.assign(data.substr(last_newline + 1));
}

void TestOutput::on_end() {
  for (auto& pending : m_partial) {
    m_capture.append(pending);
    pending.clear();
  }
  if (m_parser) {
    m_parser->finish();
  }
}

} // namespace ginsttest::runner
