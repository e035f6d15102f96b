#include "typeset/shrink_to_fit.hpp"

#include "typeset/typesetter.hpp"

#include <algorithm>
#include <cmath>

namespace handout {

namespace {

/// Margin over the (size ratio)² estimate for what fixed-size parts, keep rules and page-bottom
/// gaps can do: a document needing more pages than this times the estimate is not shrunk.
constexpr double hopeless_factor = 4;

}  // namespace

Result<Pages> shrink_to_fit(const TypesetInput& input, Result<Pages> natural) {
    const Layout& layout = *input.layout;
    if (layout.max_pages <= 0 || !natural.value || static_cast<int>(natural.value->pages.size()) <= layout.max_pages) {
        return natural;
    }
    const std::size_t at = layout.offset_of_key("page.max_pages");
    const std::size_t natural_pages = natural.value->pages.size();
    Layout smaller = layout;
    TypesetInput smaller_input = input;
    smaller_input.layout = &smaller;
    // Text at a smaller size holds at most (size ratio)² as much per page; a document far past
    // that (a hostile 5 MB paragraph) is not set again at each size only to fail.
    const double gain = layout.min_body_size > 0 ? std::pow(layout.body_size / layout.min_body_size, 2.0) : 1.0;
    const bool hopeless = static_cast<double>(natural_pages) > hopeless_factor * gain * layout.max_pages + 2;
    while (!hopeless && smaller.body_size - 0.5 >= layout.min_body_size - 1e-9) {
        smaller.body_size -= 0.5;
        double f = smaller.body_size / layout.body_size;
        smaller.callout_size = std::max(layout.min_body_size, layout.callout_size * f);
        smaller.table_size = std::max(std::min(layout.table_size, layout.min_body_size), layout.table_size * f);
        Result<Pages> attempt = Typesetter(smaller_input).run();
        if (attempt.value && static_cast<int>(attempt.value->pages.size()) <= layout.max_pages) {
            attempt.diagnostics.push_back(warning_at(
                layout.source, at,
                "body text set at " + std::to_string(smaller.body_size).substr(0, 4) + " pt instead of " +
                    std::to_string(layout.body_size).substr(0, 4) + " pt to fit " + std::to_string(layout.max_pages) +
                    " page(s)",
                {"shorten the content, or raise `max_pages`, to keep the full size"}));
            return attempt;
        }
    }
    natural.diagnostics.push_back(error_at(
        layout.source, at,
        "the document needs " + std::to_string(natural_pages) + " pages; the layout allows " +
            std::to_string(layout.max_pages) +
            (layout.min_body_size < layout.body_size ? " even at the smallest size allowed" : ""),
        {"shorten the content, raise `max_pages`, or lower `[body] min_size`"}));
    return natural;
}

}  // namespace handout
