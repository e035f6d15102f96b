// core: `Overloaded{...}`, one callable per alternative, for std::visit — over the display list,
// the content tree, anything with variants. Visitors list every kind and have no catch-all, so a
// new kind stops the build until each visitor handles it.
#pragma once

namespace handout {

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace handout
