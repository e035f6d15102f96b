#include "core/limits.hpp"

#include <charconv>
#include <limits>

namespace handout {

namespace {

/// Where each limit lives in Limits, by name.
struct LimitField {
    LimitInfo info;
    std::uint64_t Limits::*value = nullptr;
    bool bytes = false;  ///< K/M/G are 1024-based; else k/M are 1000-based
};

const std::vector<LimitField>& fields() {
    // The largest values keep each limit meaningful: nesting past 100 would reach the
    // typesetter's own guard, sizes past 1 GiB are no longer a limit a worker can honour.
    static const std::vector<LimitField> all = {
        {{"text-size", "bytes", 1u << 30, "a content, layout or kind file"}, &Limits::text_bytes, true},
        {{"picture-size", "bytes", 1u << 30, "a picture or logo file"}, &Limits::picture_bytes, true},
        {{"picture-pixels", "pixels", 1'000'000'000, "a picture's width × height"}, &Limits::picture_pixels, false},
        {{"nesting", "levels", 100, "blocks, front matter lists and layout tables inside one another"}, &Limits::nesting,
         false},
        {{"value-size", "bytes", 64u << 20, "one variable's value (--var, --data, a manifest field)"},
         &Limits::value_bytes, true},
        {{"pages", "pages", 100'000, "the pages of one document"}, &Limits::pages, false},
        {{"message-size", "bytes", 1u << 30, "one e-mail message, its PDF included (batch --outbox)"},
         &Limits::message_bytes, true},
    };
    return all;
}

const LimitField* find_field(std::string_view name) {
    for (const auto& f : fields()) {
        if (f.info.name == name) {
            return &f;
        }
    }
    return nullptr;
}

std::string names_list() {
    std::string out;
    for (const auto& f : fields()) {
        out += (out.empty() ? "" : ", ") + std::string(f.info.name);
    }
    return out;
}

/// "8M" → 8388608 for sizes, "40M" → 40000000 for counts; nullopt when it is not a number.
std::optional<std::uint64_t> parse_amount(std::string_view text, bool bytes) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end == text.data()) {
        return std::nullopt;
    }
    std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t scale = 1;
    if (suffix.empty()) {
        scale = 1;
    } else if (bytes && (suffix == "K" || suffix == "k")) {
        scale = 1u << 10;
    } else if (bytes && suffix == "M") {
        scale = 1u << 20;
    } else if (bytes && suffix == "G") {
        scale = 1u << 30;
    } else if (!bytes && suffix == "k") {
        scale = 1000;
    } else if (!bytes && suffix == "M") {
        scale = 1'000'000;
    } else {
        return std::nullopt;
    }
    if (n > std::numeric_limits<std::uint64_t>::max() / scale) {
        return std::nullopt;
    }
    return n * scale;
}

}  // namespace

const std::vector<LimitInfo>& limit_infos() {
    static const std::vector<LimitInfo> infos = [] {
        std::vector<LimitInfo> v;
        for (const auto& f : fields()) {
            v.push_back(f.info);
        }
        return v;
    }();
    return infos;
}

std::uint64_t limit_value(const Limits& limits, std::string_view name) {
    const LimitField* f = find_field(name);
    if (f == nullptr) {
        return 0;
    }
    return limits.*(f->value);
}

std::optional<std::string> apply_limit(Limits& limits, std::string_view setting) {
    auto eq = setting.find('=');
    std::string_view name = setting.substr(0, eq);
    const LimitField* f = find_field(name);
    if (f == nullptr) {
        return "`" + std::string(name) + "` is not a limit; the limits are " + names_list();
    }
    if (eq == std::string_view::npos) {
        return "--limit `" + std::string(name) + "` needs a value, e.g. " + limit_hint(name);
    }
    std::string_view text = setting.substr(eq + 1);
    auto amount = parse_amount(text, f->bytes);
    const std::string form = f->bytes ? "a number of bytes, e.g. 512K, 16M or 1G" : "a whole number, e.g. 200 or 40M";
    if (!amount) {
        return "--limit " + std::string(name) + "=" + std::string(text) + ": the value must be " + form;
    }
    if (*amount < 1 || *amount > f->info.max_value) {
        return "--limit " + std::string(name) + "=" + std::string(text) + ": the value must be from 1 to " +
               std::to_string(f->info.max_value) + " " + std::string(f->info.unit);
    }
    limits.*(f->value) = *amount;
    return std::nullopt;
}

std::string limit_hint(std::string_view name) {
    const LimitField* f = find_field(name);
    if (f == nullptr) {
        return "--limit";
    }
    const std::uint64_t now = limit_value(Limits{}, name);
    std::string bigger;
    if (f->bytes && now % (1u << 20) == 0) {
        bigger = std::to_string(now / (1u << 20) * 2) + "M";
    } else if (f->bytes && now % (1u << 10) == 0) {
        bigger = std::to_string(now / (1u << 10) * 2) + "K";
    } else if (!f->bytes && now % 1'000'000 == 0) {
        bigger = std::to_string(now / 1'000'000 * 2) + "M";
    } else {
        bigger = std::to_string(std::min<std::uint64_t>(now * 2, f->info.max_value));
    }
    return "--limit " + std::string(name) + "=" + bigger;
}

}  // namespace handout
