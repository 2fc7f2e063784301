// Opening files for writing where a test may have planted something: every file the runner
// writes is opened here, so that the rule is written once.
//
// The rule: the open never blocks (O_NONBLOCK, cleared once the file is known to be regular: a
// FIFO nobody reads would block open() itself, where no signal and no timeout reach the
// runner), never follows a final symlink (O_NOFOLLOW), and what was opened must be a regular
// file (fstat), else the error says what it is. A file the runner means to be new is made with
// O_EXCL, so that it is always an inode of the runner's own.
#pragma once

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>

#include <filesystem>
#include <string>
#include <string_view>

namespace ginsttest::util {

// A file made by create_fresh_file.
struct FreshFile {
  Fd fd;
  // What stood at the path and was removed, when it was not a regular file ("a FIFO", "a
  // symbolic link"); empty when nothing was there or a regular file was (an earlier run's).
  std::string replaced;
};

// Makes a new regular file at `path` for writing, with `mode` (close-on-exec). Whatever stands
// there, unless a directory, is unlinked first and the file is then created with O_EXCL: never
// writing through a link, a hard link or into a FIFO or device someone put in its place. If
// someone puts something there again between the two steps, the open fails (EEXIST) rather
// than use it. For files the runner writes anew in directories others may write to (-L logs).
Expected<FreshFile> create_fresh_file(const std::filesystem::path& path, mode_t mode);

// Creates `path` (close-on-exec, `mode`) with O_EXCL: fails when anything is there. For files
// in directories the runner made and keeps to itself.
Expected<Fd> create_new_file(const std::filesystem::path& path, mode_t mode);

// Opens `path` for writing and truncates it, creating it with `mode` when missing. The file is
// the user's (named on the command line): an existing one is truncated in place, keeping its
// owner, mode and links, but only if it is a regular file reached without a final symlink.
Expected<Fd> open_for_writing(const std::filesystem::path& path, mode_t mode);

// The rest of the open file `fd`, read to its end; an error (the reason, without the path) when
// reading fails or it holds more than `max_bytes`.
Expected<std::string> read_to_end(int fd, std::size_t max_bytes);

// Which of read (4), write (2) and search or execute (1) the user `uid` of group `gid` has on a
// file of `st`, by its mode bits: the owner's, the group's or the others' (ACLs are not read).
mode_t access_bits(const struct stat& st, uid_t uid, gid_t gid);

// "a FIFO", "a directory", "a symbolic link", ... for the file type bits of `mode`.
std::string_view file_type_name(mode_t mode);

} // namespace ginsttest::util
