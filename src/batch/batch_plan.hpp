// batch: takes the job's flags and the manifest; returns the plan made before any worker starts —
// how each record's content, layout and output name are chosen (collisions found over the whole
// manifest, so every shard sees the same), this shard's size, the files it uses and the up-to-date
// hash's shared part — and then reads this shard's records again, one at a time, with their plans.
// Nothing here holds the manifest or one thing per record, except a 64-bit hash per output name
// while collisions are looked for.
#pragma once

#include "batch/batch_job.hpp"
#include "batch/manifest.hpp"
#include "batch/shard.hpp"
#include "core/diagnostic.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <memory>
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

/// The manifest, open for reading as often as the plan needs: a regular file is read in place
/// (and must not change meanwhile: changed() tells); anything else — a pipe, `<(…)` — is first
/// copied into an unnamed temporary file (O_TMPFILE in the system's temporary folder, mode 0600,
/// gone when closed however the run ends).
class ManifestFile {
public:
    static Result<std::shared_ptr<const ManifestFile>> open(const std::string& path, const std::string& encoding);
    ~ManifestFile();
    ManifestFile(const ManifestFile&) = delete;
    ManifestFile& operator=(const ManifestFile&) = delete;

    /// The text from its start, converted from --encoding.
    std::unique_ptr<ManifestSource> source() const;
    ManifestFormat format() const { return m_format; }
    const std::string& path() const { return m_path; }
    /// Whether the file was written to since it was opened (size or modification time).
    bool changed() const;
    /// The diagnostic for an error in the file as a whole; reads the whole text to place it.
    Diagnostic diagnostic(const ManifestError& error) const;

private:
    ManifestFile(int fd, std::string path, std::string encoding);
    int m_fd = -1;
    std::string m_path;
    std::string m_encoding;
    ManifestFormat m_format = ManifestFormat::csv;
    struct stat m_opened {};
};

struct BatchPlan {
    std::shared_ptr<const ManifestFile> manifest;
    Shard shard;
    std::string id_column;                       ///< names records in messages; may be empty
    std::string content_path;                    ///< --content
    std::string default_layout;                  ///< --layout, or the default layout
    std::string name_template;                   ///< --name, or the default
    std::vector<std::filesystem::path> allowed;  ///< folders a record's content and layout columns may name
    std::size_t manifest_records = 0;            ///< records in the whole manifest
    std::size_t mine = 0;                        ///< of them, this shard's
    /// The (content, layout) pairs of this shard's records that can be rendered, in the order
    /// first used.
    std::vector<InputPair> pairs;
    /// Per pair, the files' part of the shared hash (base_digest without engine_digest_text).
    std::map<InputPair, std::string> base_digests;
    /// Output names that two or more records would write, and the error each of them fails with.
    std::map<std::string, std::string> collisions;

    /// The plan of one record, collisions included.
    RecordPlan plan_record(const Record& record) const;
};

/// Reads the manifest (every record, so that an error in the file as a whole is found first),
/// picks the shard, finds the output names records share and what this shard's records use. No
/// plan (exit 2) when the manifest or the shard cannot be used; a record that cannot be planned
/// fails alone, later.
Result<BatchPlan> plan_batch(const BatchJob& job);

/// This shard's records with their plans, in row order, read again from the manifest one at a time.
class PlannedRecords {
public:
    explicit PlannedRecords(const BatchPlan& plan);
    /// The next of this shard's records and its plan; false at the end, or when the manifest can
    /// no longer be read as it was planned (then error()).
    bool next(Record& record, RecordPlan& plan);
    /// Why the records stopped early (the manifest changed while the batch ran).
    const std::optional<std::string>& error() const { return m_error; }

private:
    const BatchPlan& m_plan;
    std::unique_ptr<ManifestSource> m_source;
    ManifestReader m_reader;
    std::size_t m_read = 0;
    std::optional<std::string> m_error;
};

/// The id column's value for `record`, or empty.
std::string id_of(const Record& record, const std::string& id_column);

/// The part of the up-to-date hash every record of a (content, layout) pair shares: the engine
/// version and engine; the content, the layout, each picture the content shows and the layout's
/// logo, each by its path and the SHA-256 of its bytes.
std::string base_digest(const std::string& content_path, const std::string& layout_path, Engine engine);

/// The engine's part of the shared hash: handout's and its engine's versions, and the engine.
std::string engine_digest_text(Engine engine);

/// The up-to-date hash of one output: SHA-256 over the base (base_digest), the record's
/// variables, the output name and SOURCE_DATE_EPOCH.
std::string record_digest(const std::string& base, const Record& record, const std::string& output);

}  // namespace handout
