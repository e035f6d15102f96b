#include "mail/email_templates.hpp"

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

namespace handout {

namespace fs = std::filesystem;

namespace {

/// Whether `lang` looks like a language tag (`es`, `pt-BR`, `zh-Hant`): letters, digits and
/// hyphens, starting with 2 or 3 letters.
bool language_tag(std::string_view lang) {
    std::size_t letters = 0;
    while (letters < lang.size() && ((lang[letters] >= 'a' && lang[letters] <= 'z') ||
                                     (lang[letters] >= 'A' && lang[letters] <= 'Z'))) {
        ++letters;
    }
    if (letters < 2 || letters > 3) {
        return false;
    }
    for (char c : lang.substr(letters)) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return letters == lang.size() || lang[letters] == '-';
}

/// The translations of the template at `path`: `NAME.LANG.REST` beside `NAME.REST`.
std::vector<std::pair<std::string, fs::path>> translations_of(const fs::path& path) {
    std::vector<std::pair<std::string, fs::path>> out;
    const std::string name = path.filename().string();
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) {
        return out;
    }
    const std::string head = name.substr(0, dot + 1), rest = name.substr(dot);  // "consent.", ".eml.txt"
    std::error_code ec;
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string other = it->path().filename().string();
        if (other.size() > head.size() + rest.size() && other.compare(0, head.size(), head) == 0 &&
            other.compare(other.size() - rest.size(), rest.size(), rest) == 0) {
            const std::string lang = other.substr(head.size(), other.size() - head.size() - rest.size());
            if (language_tag(lang)) {
                out.emplace_back(lang, it->path());
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

const EmailTemplate& EmailTemplates::for_lang(std::string_view lang) const {
    auto it = translations.find(std::string(lang));
    return it != translations.end() ? it->second : main;
}

Result<EmailTemplates> load_email_templates(const std::string& path, const Limits& limits) {
    Result<EmailTemplates> r;
    EmailTemplates all;
    auto main = load_email_template(path, limits);
    r.diagnostics = std::move(main.diagnostics);
    for (const auto& [lang, translation_path] : translations_of(path)) {
        auto translated = load_email_template(translation_path.string(), limits);
        for (auto& d : translated.diagnostics) {
            r.diagnostics.push_back(std::move(d));
        }
        if (translated.value) {
            all.translations.emplace(lang, std::move(*translated.value));
        }
    }
    if (main.value && !has_errors(r.diagnostics)) {
        all.main = std::move(*main.value);
        r.value = std::move(all);
    }
    return r;
}

}  // namespace handout
