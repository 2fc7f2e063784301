#include "history/history.hpp"

#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <glib.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>

namespace ginsttest::history {
namespace {

constexpr std::string_view version_line = "ginsttest-runner history 1";
// Far above any real history (a few hundred bytes a test), far below trouble.
constexpr std::size_t max_file_size = std::size_t{64} << 20;
// How long save() waits for another run to release the lock.
constexpr auto lock_wait = std::chrono::seconds{10};

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\t':
      out += "%09";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); i++) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc{} || ptr != text.data() + i + 3) {
      return std::nullopt;
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// A test's key: its root and its name, apart by a NUL (which neither holds).
std::string key_of(std::string_view root, std::string_view name) {
  std::string k{root};
  k += '\0';
  k += name;
  return k;
}

// The name and the root a key holds.
std::pair<std::string_view, std::string_view> name_and_root(std::string_view key) {
  const auto nul = key.find('\0');
  return {key.substr(nul + 1), key.substr(0, nul)};
}

std::string_view type_word(core::TestType type) {
  return type == core::TestType::session_exclusive ? "session-exclusive" : "session";
}

// "OUTCOME MS" of one result.
std::optional<RecordedRun> parse_record(std::string_view field) {
  const auto space = field.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const auto outcome = core::outcome_named(field.substr(0, space));
  long long ms = 0;
  const auto digits = field.substr(space + 1);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
  if (!outcome || ec != std::errc{} || ptr != digits.data() + digits.size() || ms < 0) {
    return std::nullopt;
  }
  return RecordedRun{*outcome, std::chrono::milliseconds{ms}};
}

// One line of the file (the test's key and entry), or why it is not one.
util::Expected<std::pair<std::string, Entry>> parse_line(std::string_view line) {
  const auto fields = util::split(line, '\t');
  if (fields.size() < 4) {
    return util::unexpected("expected a name, a root, a type and results, separated by tabs");
  }
  Entry entry;
  auto name = unescaped(fields[0]);
  auto root = unescaped(fields[1]);
  if (!name || !root || name->empty()) {
    return util::unexpected("a bad name or root");
  }
  if (fields[2] == "session") {
    entry.type = core::TestType::session;
  } else if (fields[2] == "session-exclusive") {
    entry.type = core::TestType::session_exclusive;
  } else {
    return util::unexpected(fmt::format("unknown test type '{}'", fields[2]));
  }
  for (std::size_t i = 3; i < fields.size() && entry.recent.size() < History::kept; i++) {
    const auto record = parse_record(fields[i]);
    if (!record) {
      return util::unexpected(fmt::format("'{}' is not an outcome and milliseconds", fields[i]));
    }
    entry.recent.push_back(*record);
  }
  return std::pair{key_of(*root, *name), std::move(entry)};
}

// The entries in `text`, the contents of `file`.
util::Expected<std::unordered_map<std::string, Entry>> parse(std::string_view text,
                                                             const std::filesystem::path& file) {
  std::unordered_map<std::string, Entry> entries;
  if (text.empty()) {
    return entries; // made by a run that had nothing to record yet, or by touch
  }
  std::size_t number = 0;
  while (!text.empty()) {
    number++;
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (number == 1) {
      if (line != version_line) {
        return util::parse_error(
            fmt::format("{}: not a ginsttest-runner history file (its first line is not '{}')",
                        file.string(), version_line));
      }
      continue;
    }
    if (line.empty()) {
      continue;
    }
    auto entry = parse_line(line);
    if (!entry) {
      return util::parse_error(fmt::format("{}:{}: {}", file.string(), number, entry.error().what));
    }
    entries.insert_or_assign(std::move(entry->first), std::move(entry->second));
  }
  return entries;
}

// The contents of `file` ("" when missing), read without blocking or following a final link.
util::Expected<std::string> read_file(const std::filesystem::path& file) {
  util::Fd fd{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd) {
    if (errno == ENOENT) {
      return std::string{};
    }
    return util::io_error(fmt::format("{}: {}", file.string(), util::errno_text(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return util::io_error(fmt::format("{}: not a regular file ({})", file.string(),
                                      util::file_type_name(st.st_mode)));
  }
  auto text = util::read_to_end(fd.get(), max_file_size);
  if (!text) {
    return util::io_error(fmt::format("{}: {}", file.string(), text.error().what));
  }
  return text;
}

// The entries of `file` (none when it is missing).
util::Expected<std::unordered_map<std::string, Entry>>
read_entries(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) {
    return util::unexpected(text.error());
  }
  return parse(*text, file);
}

// Takes the lock on `file`.lock, waiting for another run to release it a bounded time.
util::Expected<util::Fd> lock(const std::filesystem::path& file) {
  const auto lock_file = file.string() + ".lock";
  util::Fd fd{
      ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0644)};
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    return util::io_error(fmt::format("{}: {}", lock_file, util::errno_text(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return util::io_error(
        fmt::format("{}: not a regular file ({})", lock_file, util::file_type_name(st.st_mode)));
  }
  // Polled rather than waited for: the stop signals are blocked while a run ends, and a lock
  // held forever (a stopped run) must not hold this one.
  const auto give_up = std::chrono::steady_clock::now() + lock_wait;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() > give_up) {
      return util::io_error(
          fmt::format("{}: {}", lock_file,
                      errno == EWOULDBLOCK ? "held by another run" : util::errno_text(errno)));
    }
    const timespec pause{0, 10'000'000};
    ::nanosleep(&pause, nullptr);
  }
  return fd;
}

std::string serialised(const std::unordered_map<std::string, Entry>& entries) {
  std::vector<const std::pair<const std::string, Entry>*> sorted;
  sorted.reserve(entries.size());
  for (const auto& item : entries) {
    sorted.push_back(&item);
  }
  // By name: a file that changes little from run to run, and reads well.
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return name_and_root(a->first) < name_and_root(b->first);
  });
  std::string text{version_line};
  text += '\n';
  for (const auto* item : sorted) {
    const auto [name, root] = name_and_root(item->first);
    const Entry* entry = &item->second;
    text += fmt::format("{}\t{}\t{}", escaped(name), escaped(root), type_word(entry->type));
    for (const auto& record : entry->recent) {
      text += fmt::format("\t{} {}", core::name(record.outcome), record.duration.count());
    }
    text += '\n';
  }
  return text;
}

// Writes `text` to a new file next to `file`, then renames it over `file`.
util::Status replace(const std::filesystem::path& file, const std::string& text) {
  std::string temp = file.string() + ".XXXXXX";
  util::Fd fd{::mkostemp(temp.data(), O_CLOEXEC)};
  if (!fd) {
    return util::io_error(fmt::format("{}: {}", temp, util::errno_text(errno)));
  }
  const auto fail = [&](int err) {
    ::unlink(temp.c_str());
    return util::io_error(fmt::format("{}: {}", file.string(), util::errno_text(err)));
  };
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail(n < 0 ? errno : ENOSPC);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) {
    return fail(errno);
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    return fail(errno);
  }
  return util::Ok{};
}

} // namespace

std::string History::key(std::string_view root, std::string_view name) {
  return key_of(root, name);
}

util::Expected<History> History::load(const std::filesystem::path& file) {
  auto entries = read_entries(file);
  if (!entries) {
    return util::unexpected(entries.error());
  }
  History history;
  history.m_entries = std::move(*entries);
  return history;
}

void History::record(const core::TestSpec& spec, const core::TestResult& result) {
  if (result.outcome == core::Outcome::interrupted) {
    return;
  }
  Entry entry;
  entry.type = spec.type;
  entry.recent.push_back(RecordedRun{
      result.outcome, std::chrono::duration_cast<std::chrono::milliseconds>(result.duration)});
  m_new.insert_or_assign(key(spec.root.string(), spec.name), std::move(entry));
}

void History::add_to(std::unordered_map<std::string, Entry>& entries) const {
  for (const auto& [k, added] : m_new) {
    auto [it, inserted] = entries.try_emplace(k, added);
    if (inserted) {
      continue;
    }
    Entry& entry = it->second;
    entry.type = added.type;
    entry.recent.insert(entry.recent.begin(), added.recent.front());
    if (entry.recent.size() > kept) {
      entry.recent.resize(kept);
    }
  }
}

util::Status History::save(const std::filesystem::path& file) const {
  if (m_new.empty()) {
    return util::Ok{};
  }
  std::error_code ec;
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return util::io_error(fmt::format("{}: {}", file.parent_path().string(), ec.message()));
    }
  }
  auto held = lock(file);
  if (!held) {
    return util::unexpected(held.error());
  }
  // Read again under the lock: another run may have added its results since load().
  auto entries = read_entries(file);
  if (!entries) {
    return util::unexpected(entries.error());
  }
  add_to(*entries);
  return replace(file, serialised(*entries));
}

const Entry* History::find(std::string_view root, std::string_view name) const {
  const auto it = m_entries.find(key(root, name));
  return it == m_entries.end() ? nullptr : &it->second;
}

std::optional<std::chrono::milliseconds> History::duration(std::string_view root,
                                                           std::string_view name) const {
  const Entry* entry = find(root, name);
  if (!entry || entry->recent.empty()) {
    return std::nullopt;
  }
  std::chrono::milliseconds sum{};
  for (const auto& record : entry->recent) {
    sum += record.duration;
  }
  return sum / static_cast<long>(entry->recent.size());
}

bool History::failed_last(std::string_view root, std::string_view name) const {
  const Entry* entry = find(root, name);
  return entry && !entry->recent.empty() && core::is_failed_run(entry->recent.front().outcome);
}

std::filesystem::path default_file() {
  // $XDG_STATE_HOME when it is set (for root too: a test harness, or a service, can give a run
  // a history of its own); else root's is the system's, and a user's ~/.local/state (from
  // passwd when $HOME is unset).
  const char* state = std::getenv("XDG_STATE_HOME");
  if ((!state || *state != '/') && ::geteuid() == 0) {
    return "/var/lib/ginsttest-runner/history";
  }
  return std::filesystem::path{g_get_user_state_dir()} / "ginsttest-runner" / "history";
}

} // namespace ginsttest::history
