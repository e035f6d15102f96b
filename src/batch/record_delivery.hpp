// batch: what happens to a record's PDF between rendering and the journal when the job delivers
// it (README, "Sending to patients") — protected with the record's password (--protect,
// --password), an unprotected copy kept for the clinic (--keep-unprotected), and a message with
// the PDF attached written to the outbox (--email-template, --email-to, --outbox). Everything is
// made in memory first: a record whose password or message cannot be made writes nothing.
#pragma once

#include "batch/batch_job.hpp"
#include "mail/email_templates.hpp"

#include <optional>
#include <string>

namespace handout {

/// What every record's delivery shares, loaded once before the workers start.
struct Delivery {
    std::optional<EmailTemplates> email;  ///< --email-template and its translations
    /// Hashed into every record's up-to-date digest: the delivery settings (the password's
    /// template, never a password), so changing them renders again.
    std::string fingerprint;
    /// What a message is made of besides the record and its files: the templates and --email-to.
    /// Its Message-ID hashes this, so a re-run with other delivery folders sends nothing again.
    std::string message_fingerprint;
};

/// Loads the e-mail template and its translations and checks the delivery flags; errors name
/// the file or the flag.
Result<Delivery> load_delivery(const BatchJob& job);

/// The outbox file of the output `output` (relative to --out): `P1001.pdf` → `P1001.eml`, a
/// folder's `/` written `%2F` and `%` written `%25` (the outbox is flat, and two outputs never
/// share a message).
std::string message_file_name(const std::string& output);

/// Whether the files delivery adds beside `output` are there (the unprotected copy, the
/// message): an up-to-date PDF whose message is missing is made again.
bool delivered_files_exist(const BatchJob& job, const std::string& output);

/// The record's password from --password: `{{name}}` filled from `vars`; `{{name|DDMMYYYY}}`
/// (or MMDDYYYY, YYYYMMDD) turns an ISO date (YYYY-MM-DD) into those 8 digits. Sets `error`
/// (naming the variable, never a value) when it cannot be made or is too weak.
std::string record_password(const std::string& tmpl, const Vars& vars, std::string& error);

/// In a record's process: writes the PDF (protected when asked) to --out/`output`, the copy, and
/// the message; `content_path` names the attachment, `message_id` (hex) makes the Message-ID. Returns the
/// error (names no value) or nullopt; `bytes` is the size of the PDF written.
std::optional<std::string> deliver_record(const BatchJob& job, const Delivery& delivery, const Vars& vars,
                                          const std::string& output, const std::string& content_path,
                                          const std::string& message_id, const std::string& pdf, std::size_t& bytes);

}  // namespace handout
