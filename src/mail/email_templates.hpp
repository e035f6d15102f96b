// mail: an e-mail template with its translations — for `consent.eml.txt`, each
// `consent.LANG.eml.txt` beside it (LANG as a record's `lang` column spells it, e.g. `es`), as
// content files have `NAME.LANG.md` — found and read once, when a batch starts.
#pragma once

#include "mail/email_template.hpp"

#include <map>
#include <string>
#include <string_view>

namespace handout {

struct EmailTemplates {
    EmailTemplate main;
    std::map<std::string, EmailTemplate> translations;  ///< by language tag

    /// The translation for `lang` when there is one, else the main template.
    const EmailTemplate& for_lang(std::string_view lang) const;
};

/// Reads the template at `path` and each translation beside it; errors name file:line:col.
Result<EmailTemplates> load_email_templates(const std::string& path, const Limits& limits);

}  // namespace handout
