// deliver: names of handout's temporary files — made for one target by write_atomically, and
// read back by the start-up clean-up to tell which ones a dead process left behind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

/// Who made a temporary file: a tag of the host's name and the process id.
struct TemporaryOwner {
    std::string host;  ///< 8 hex digits: FNV-1a of gethostname()
    long pid = 0;
};

/// This host's tag.
const std::string& host_tag();

/// A fresh name for a temporary of the file `target_name` (a bare name, no folder):
/// `.handout-<target_name>.tmp-<host>-<pid>-<8 random hex digits>`, the name cut (at a UTF-8
/// character) so that the whole fits in 255 bytes. Hidden, and it never ends in the target's
/// extension: nothing that picks up `*.pdf` from the folder takes a file still being written.
std::string temporary_name(std::string_view target_name);

/// The owner of a file named `name` when it is one of handout's temporaries, else nullopt.
std::optional<TemporaryOwner> temporary_owner(std::string_view name);

}  // namespace handout
