// batch: takes a name template and one record, returns a safe relative output path (or why not).
#pragma once

#include "resolve/resolve.hpp"

#include <optional>
#include <string>

namespace handout {

struct OutputName {
    std::string path;    ///< relative to --out, '/'-separated; empty when `error` is set
    std::string error;   ///< names no value: e.g. "the name template uses `patient.id`, which this record lacks"
};

/// Fills `{{name}}` from the record (plus `row`). Values never add folders: '/', '\', control
/// characters and leading dots are replaced, each value is cut at 80 bytes and each path part at
/// 200. A result that is empty, absolute or climbs out with `..` is an error.
OutputName output_name(const std::string& tmpl, const Vars& vars, std::size_t row);

}  // namespace handout
