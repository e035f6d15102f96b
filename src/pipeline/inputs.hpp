// pipeline: reads and parses the inputs one document needs — content (with its pictures) and layout
// (with its logo) — once, to be shared read-only by every worker.
#pragma once

#include "core/bounded_read.hpp"
#include "core/limits.hpp"

#include "check/kind.hpp"
#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "layout/layout.hpp"
#include "pages/pages.hpp"
#include "typeset/font_system.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace handout {

/// Where handout finds its own fonts/ and layouts/ (HANDOUT_HOME, else the source tree it was built from).
std::string data_dir();

/// The layout used when none is named.
std::string default_layout_path();

/// Where kind files live: HANDOUT_KINDS, else the data dir's kinds/.
std::string kinds_dir();

/// Reads a whole input file as `what` ("content file"); a file that is not a regular file or is
/// over `rule`'s size is an error that names it and never quotes it. The default rule (manifests,
/// data files, reports) takes any size and a pipe, e.g. `<(…)`.
Result<SourcePtr> read_source(const std::string& path, const std::string& what,
                              const ReadRule& rule = ReadRule{UINTMAX_MAX, false, {}});

struct ContentInput {
    Document doc;                                  ///< parsed, variables unresolved
    std::vector<ImageData> images;
    std::map<std::string, std::uint32_t> image_by_src;
    std::shared_ptr<const Kind> kind;              ///< kinds/KIND.toml
    std::shared_ptr<const Kind> topic;             ///< kinds/topics/TOPIC.toml, when the content names one
};

struct LayoutInput {
    Layout layout;
    std::optional<ImageData> logo;
};

/// The content file, its pictures and its kind's rules, read and parsed under `limits`.
Result<std::shared_ptr<const ContentInput>> load_content(const std::string& path, const Limits& limits = {});

/// The Debian-packaged fonts `fonts_dir`/debian.toml lists (none when there is no such file).
Result<std::vector<PackagedFont>> load_packaged_fonts(const std::string& fonts_dir);
/// The layout file and its logo, read and parsed under `limits`.
Result<std::shared_ptr<const LayoutInput>> load_layout(const std::string& path, const Limits& limits = {});

}  // namespace handout
