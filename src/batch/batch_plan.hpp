// batch: takes the job's flags and the manifest; returns the plan made before any worker starts —
// each record's content, layout and output name (collisions found over the whole manifest, so
// every shard sees the same), this shard's share, and the up-to-date hash's shared part.
#pragma once

#include "batch/batch_job.hpp"
#include "batch/manifest.hpp"
#include "batch/shard.hpp"
#include "core/diagnostic.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace handout {

/// What one record needs, decided before any worker starts.
struct RecordPlan {
    std::string content_path;
    std::string layout_path;
    std::string output;                ///< relative to --out
    std::vector<std::string> warnings;
    std::string error;                 ///< set when the record cannot be rendered; names no value
};

/// A (content path, layout path) pair: what the record-free checks and the shared digest are per.
using InputPair = std::pair<std::string, std::string>;

struct BatchPlan {
    Manifest manifest;
    Shard shard;
    std::string id_column;                       ///< names records in messages; may be empty
    std::string default_layout;                  ///< --layout, or the default layout
    std::vector<RecordPlan> records;             ///< one per manifest record, same order
    std::vector<std::size_t> mine;               ///< this shard's records, indices into `records`
    std::map<InputPair, std::string> base_digests;  ///< per pair this shard renders (see record_digest)
};

/// Reads and parses the manifest, picks the shard, plans every record. No plan (exit 2) when the
/// manifest or the shard cannot be used; a record that cannot be planned fails alone.
Result<BatchPlan> plan_batch(const BatchJob& job);

/// The id column's value for `record`, or empty.
std::string id_of(const Record& record, const std::string& id_column);

/// The up-to-date hash of one output: SHA-256 over the base (engine version; the SHA-256 of the
/// content, the layout, each picture the content shows and the layout's logo), the record's
/// variables, the output name and SOURCE_DATE_EPOCH.
std::string record_digest(const std::string& base, const Record& record, const std::string& output);

}  // namespace handout
