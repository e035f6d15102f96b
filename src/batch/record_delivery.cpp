#include "batch/record_delivery.hpp"

#include "core/source_date.hpp"
#include "core/stage_times.hpp"
#include "deliver/protect.hpp"
#include "deliver/write_file.hpp"
#include "mail/message.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace handout {

namespace fs = std::filesystem;

namespace {

/// `value` (YYYY-MM-DD) in `format` (DDMMYYYY, MMDDYYYY or YYYYMMDD); empty when it is not such
/// a date.
std::string format_date(const std::string& value, std::string_view format) {
    auto digits = [&](std::size_t at, std::size_t n) {
        for (std::size_t i = at; i < at + n; ++i) {
            if (value[i] < '0' || value[i] > '9') {
                return false;
            }
        }
        return true;
    };
    if (value.size() != 10 || value[4] != '-' || value[7] != '-' || !digits(0, 4) || !digits(5, 2) || !digits(8, 2)) {
        return {};
    }
    const std::string y = value.substr(0, 4), m = value.substr(5, 2), d = value.substr(8, 2);
    if (m < "01" || m > "12" || d < "01" || d > "31") {
        return {};
    }
    if (format == "DDMMYYYY") {
        return d + m + y;
    }
    if (format == "MMDDYYYY") {
        return m + d + y;
    }
    return y + m + d;
}

/// The Date header: SOURCE_DATE_EPOCH when set (reproducible runs), else now.
std::time_t message_date() {
    return source_date_epoch().value_or(std::time(nullptr));
}

}  // namespace

std::string record_password(const std::string& tmpl, const Vars& vars, std::string& error) {
    std::string formatted;
    std::string bad;
    std::vector<std::string> unknown;
    std::string password = fill_template(
            tmpl,
            [&](std::string_view name) -> const std::string* {
                const auto bar = name.find('|');
                auto it = vars.find(std::string(name.substr(0, bar)));
                if (it == vars.end()) {
                    return nullptr;
                }
                if (bar == std::string_view::npos) {
                    return &it->second;
                }
                const std::string_view format = name.substr(bar + 1);
                if (format != "DDMMYYYY" && format != "MMDDYYYY" && format != "YYYYMMDD") {
                    bad = "--password uses `" + std::string(name) +
                          "`: the date formats are |DDMMYYYY, |MMDDYYYY and |YYYYMMDD";
                    return &it->second;
                }
                formatted = format_date(it->second, format);
                if (formatted.empty() && bad.empty()) {
                    bad = "the password's `" + it->first + "` is not a date written YYYY-MM-DD";
                }
                return &formatted;
            },
            &unknown);
    if (!unknown.empty()) {
        error = "the password template (--password) uses `" + unknown.front() + "`, which this record lacks";
        return {};
    }
    if (!bad.empty()) {
        error = bad;
        return {};
    }
    if (password.find("{{") != std::string::npos) {
        error = "the password template (--password) has a `{{` without its `}}`";
        return {};
    }
    if (auto fault = password_fault(password)) {
        error = "the record's password (--password): " + *fault;
        return {};
    }
    return password;
}

Result<Delivery> load_delivery(const BatchJob& job) {
    Result<Delivery> r;
    Delivery d;
    auto flag_error = [&](std::string message, std::string hint) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, std::move(message), {std::move(hint)}});
    };
    if (job.protect && job.password_template.empty()) {
        flag_error("--protect needs --password: the template of each record's password",
                   "e.g. --password '{{patient.dob|DDMMYYYY}}' (the date of birth as 8 digits)");
    }
    if (!job.protect && !job.password_template.empty()) {
        flag_error("--password is given without --protect", "add --protect to encrypt each PDF with it");
    }
    auto resolved = [](const std::string& dir) {
        std::error_code ec;
        fs::path p = fs::weakly_canonical(fs::absolute(dir, ec), ec).lexically_normal();
        return p.has_filename() ? p : p.parent_path();  // `out/` is `out`
    };
    auto same_folder = [&](const std::string& a, const std::string& b) {
        return !a.empty() && !b.empty() && resolved(a) == resolved(b);
    };
    if (same_folder(job.keep_unprotected_dir, job.out_dir) || same_folder(job.keep_unprotected_dir, job.outbox_dir)) {
        flag_error("--keep-unprotected names the folder of " +
                           std::string(same_folder(job.keep_unprotected_dir, job.out_dir) ? "--out" : "--outbox") +
                           ": the unprotected copies would replace what is sent",
                   "give the clinic's copies a folder of their own, e.g. --keep-unprotected clinic-copies");
    }
    if (same_folder(job.outbox_dir, job.out_dir)) {
        flag_error("--outbox names the folder of --out", "leave --outbox out (OUT/outbox) or give it a folder of its own");
    }
    if (job.email_template_path.empty() && (!job.outbox_dir.empty() || job.smtp)) {
        flag_error(std::string(job.smtp ? "--smtp" : "--outbox") + " needs --email-template: the message to send",
                   "e.g. --email-template samples/email/consent.eml.txt");
    }
    if (!job.email_template_path.empty() && !job.protect) {
        // A patient's PDF travels encrypted or not at all.
        flag_error("--email-template needs --protect: a PDF with a patient's details is e-mailed only encrypted",
                   "add --protect --password '{{patient.dob|DDMMYYYY}}'");
    }
    if (!job.email_template_path.empty()) {
        if (auto fault = email_to_fault(job.email_to)) {
            flag_error("--email-to: " + *fault, "e.g. --email-to '{{patient.email}}'");
        }
        auto email = load_email_templates(job.email_template_path, job.limits);
        for (auto& diag : email.diagnostics) {
            r.diagnostics.push_back(std::move(diag));
        }
        if (email.value) {
            d.email = std::move(*email.value);
        }
    }
    if (has_errors(r.diagnostics)) {
        return r;
    }
    if (!job.protect && job.keep_unprotected_dir.empty() && !d.email) {
        r.value = std::move(d);  // nothing to deliver: the digest stays as it was
        return r;
    }
    d.fingerprint = "\ndelivery\nprotect=" + std::string(job.protect ? "1" : "0") + "\npassword=" + job.password_template +
                    "\nkeep=" + job.keep_unprotected_dir + "\nto=" + job.email_to + "\noutbox=" + job.outbox_dir;
    auto add = [&](const std::string& lang, const EmailTemplate& e) {
        d.message_fingerprint += "\n[" + lang + "]\nfrom=" + e.from + "\nreply-to=" + e.reply_to + "\nsubject=" + e.subject +
                         "\ntext=" + e.text + "\nhtml=" + e.html;
    };
    if (d.email) {
        add("", d.email->main);
        for (const auto& [lang, e] : d.email->translations) {
            add(lang, e);
        }
    }
    d.message_fingerprint += "\nto=" + job.email_to;
    d.fingerprint += d.message_fingerprint;
    r.value = std::move(d);
    return r;
}

std::string message_file_name(const std::string& output) {
    std::string name;
    for (char c : output) {  // escaped as in a URL, so two outputs never share a message
        name += c == '/' ? std::string("%2F") : c == '%' ? std::string("%25") : std::string(1, c);
    }
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pdf") == 0) {
        name.resize(name.size() - 4);
    }
    return name + ".eml";
}

bool delivered_files_exist(const BatchJob& job, const std::string& output) {
    std::error_code ec;
    if (!job.keep_unprotected_dir.empty() && !fs::is_regular_file(fs::path(job.keep_unprotected_dir) / output, ec)) {
        return false;
    }
    if (!job.outbox_dir.empty() && !fs::is_regular_file(fs::path(job.outbox_dir) / message_file_name(output), ec)) {
        return false;
    }
    return true;
}

std::optional<std::string> deliver_record(const BatchJob& job, const Delivery& delivery, const Vars& vars,
                                          const std::string& output, const std::string& content_path,
                                          const std::string& message_id, const std::string& pdf, std::size_t& bytes) {
    // Made in memory first: a record that cannot be protected or e-mailed writes nothing.
    std::string protected_pdf;
    if (job.protect) {
        StageTimer protect_time(Stage::protect);
        std::string error;
        const std::string password = record_password(job.password_template, vars, error);
        if (!error.empty()) {
            return error;
        }
        if (auto fault = protect_pdf(pdf, password, protected_pdf)) {
            return fault;
        }
    }
    const std::string& sent_pdf = job.protect ? protected_pdf : pdf;
    BuiltMessage message;
    if (delivery.email) {
        StageTimer message_time(Stage::message);
        MessageInput in;
        const auto lang = vars.find("lang");
        in.email = &delivery.email->for_lang(lang != vars.end() ? lang->second : std::string());
        in.vars = &vars;
        in.to_template = job.email_to;
        in.attachment = sent_pdf;
        in.attachment_name = safe_attachment_name(fs::path(content_path).stem().string());
        in.id = message_id.substr(0, 32);
        in.date = message_date();
        in.max_bytes = job.limits.message_bytes;
        in.max_value_bytes = job.limits.value_bytes;
        message = build_message(in);
        if (!message.error.empty()) {
            return message.error;
        }
    }
    StageTimer write_time(Stage::write_file);
    if (auto error = write_atomically((fs::path(job.out_dir) / output).string(), sent_pdf, Durability::deferred, job.mode,
                                      job.out_dir)) {
        return error;
    }
    bytes = sent_pdf.size();
    if (!job.keep_unprotected_dir.empty()) {
        if (auto error = write_atomically((fs::path(job.keep_unprotected_dir) / output).string(), pdf,
                                          Durability::deferred, job.mode)) {
            return "the unprotected copy (--keep-unprotected): " + *error;
        }
    }
    if (delivery.email) {
        // Messages hold the patient's address and the PDF: 0600 whatever --mode says.
        if (auto error = write_atomically((fs::path(job.outbox_dir) / message_file_name(output)).string(),
                                          message.bytes, Durability::deferred, 0600)) {
            return "the message (--outbox): " + *error;
        }
    }
    return std::nullopt;
}

}  // namespace handout
