// render/pdf: `overloaded{…}` — one lambda per display-list kind for an exhaustive std::visit
// (no generic fallback: a new kind breaks the build until every visitor handles it).
#pragma once

namespace handout::pdf {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace handout::pdf
