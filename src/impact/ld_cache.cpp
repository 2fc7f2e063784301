#include "impact/ld_cache.hpp"

#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>

namespace ginsttest::impact {
namespace {

// The layouts of glibc's sysdeps/generic/dl-cache.h. Old: magic, entry count, 12-byte entries
// (flags, key, value). New: 48-byte header (magic and version, entry count, string table size,
// byte order, extension offset), 24-byte entries (flags, key, value, unused, hwcap).
constexpr std::string_view old_magic = "ld.so-1.7.0";
constexpr std::size_t old_header_size = 16;
constexpr std::size_t old_entry_size = 12;
constexpr std::string_view new_magic = "glibc-ld.so.cache1.1";
constexpr std::size_t new_header_size = 48;
constexpr std::size_t new_entry_size = 24;
// The new format follows the old one at the alignment of its 64-bit hwcap field.
constexpr std::size_t new_alignment = 8;
// Entry flags: the low byte is the kind of library; ELF libraries for glibc are the only kind
// glibc's ld.so loads. The high byte, the architecture, is left to the Loader.
constexpr std::uint32_t flag_type_mask = 0xff;
constexpr std::uint32_t flag_elf_libc6 = 3;
// The header's byte-order field: 0 when the writer did not record it.
constexpr std::uint8_t order_unset = 0;
constexpr std::uint8_t order_native = std::endian::native == std::endian::little ? 2 : 3;

std::uint32_t u32_at(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

util::Expected<std::string> read_all(const std::filesystem::path& path) {
  util::Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    return util::unexpected(util::errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return util::unexpected("not a regular file");
  }
  return util::read_to_end(fd.get(), static_cast<std::size_t>(-1));
}

// Where the new format starts: at the beginning, or after the old format's table, which
// ldconfig wrote too before glibc 2.32.
util::Expected<std::size_t> new_format_start(std::string_view bytes) {
  if (bytes.starts_with(new_magic)) {
    return std::size_t{0};
  }
  if (!bytes.starts_with(old_magic)) {
    return util::unexpected("not a loader cache (unknown magic)");
  }
  if (bytes.size() < old_header_size) {
    return util::unexpected("truncated header");
  }
  const std::uint64_t old_end =
      old_header_size + std::uint64_t{u32_at(bytes, old_magic.size() + 1)} * old_entry_size;
  const std::uint64_t start = (old_end + new_alignment - 1) / new_alignment * new_alignment;
  if (start > bytes.size() || !bytes.substr(start).starts_with(new_magic)) {
    return util::unexpected("old format only (glibc 2.32 and later read the new one)");
  }
  return static_cast<std::size_t>(start);
}

// The NUL-terminated string `offset` bytes after `base`, or nullopt when it runs off the file.
std::optional<std::string_view> string_at(std::string_view bytes, std::size_t base,
                                          std::uint32_t offset) {
  const std::uint64_t at = std::uint64_t{base} + offset;
  if (at >= bytes.size()) {
    return std::nullopt;
  }
  const auto end = bytes.find('\0', at);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  return bytes.substr(at, end - at);
}

} // namespace

util::Expected<LdCache> LdCache::load(const std::filesystem::path& path) {
  auto failure = [&path](std::string_view reason) {
    return util::unexpected(fmt::format("{}: {}", path.string(), reason));
  };
  auto read = read_all(path);
  if (!read) {
    return failure(read.error().what);
  }
  const std::string_view bytes = *read;
  auto base = new_format_start(bytes);
  if (!base) {
    return failure(base.error().what);
  }
  const std::string_view header = bytes.substr(*base);
  if (header.size() < new_header_size) {
    return failure("truncated header");
  }
  const auto order = static_cast<std::uint8_t>(header[28]);
  if (order != order_unset && order != order_native) {
    return failure("written for another byte order");
  }
  const std::uint64_t count = u32_at(header, 20);
  if (count * new_entry_size > header.size() - new_header_size) {
    return failure(fmt::format("{} entries do not fit in the file", count));
  }
  LdCache cache;
  for (std::size_t i = 0; i < count; i++) {
    const std::size_t entry = new_header_size + i * new_entry_size;
    // String offsets count from the start of the new format's header.
    const auto key = string_at(bytes, *base, u32_at(header, entry + 4));
    const auto value = string_at(bytes, *base, u32_at(header, entry + 8));
    if (!key || !value) {
      return failure(fmt::format("entry {} names a string outside the file", i));
    }
    if ((u32_at(header, entry) & flag_type_mask) == flag_elf_libc6) {
      cache.m_entries[std::string{*key}].emplace_back(*value);
    }
  }
  return cache;
}

const std::vector<std::filesystem::path>& LdCache::find(std::string_view soname) const {
  static const std::vector<std::filesystem::path> none;
  const auto found = m_entries.find(std::string{soname});
  return found == m_entries.end() ? none : found->second;
}

} // namespace ginsttest::impact
