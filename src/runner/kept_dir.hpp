// A failed test's directory kept under --report-directory, made the runner's once the test has
// ended, so that nothing run later (another test, any process of the test user) can change
// what it shows, and so that reading it or copying it off as a CI artifact reaches nothing
// outside it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ginsttest::util {
struct Owner;
}

namespace ginsttest::runner {

// Walks the kept directory open as `dir_fd` (at `path`) from the top down, never following a
// symlink nor crossing a mount:
// - what the test left mounted in it is detached;
// - symlinks that could lead outside it (absolute, or holding "..") are dropped;
// - with `new_owner` (when the test ran as another user): every entry is given to that user,
//   write access for others and set-id bits are cleared, and files with more than one link
//   (which may be another file of the host's) are dropped.
// Returns a note for each thing taken away, and for what could not be handed over.
std::vector<std::string> seal_kept_dir(int dir_fd, const std::filesystem::path& path,
                                       const util::Owner* new_owner);

} // namespace ginsttest::runner
