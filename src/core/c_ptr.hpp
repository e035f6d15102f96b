// core: RAII ownership for C library objects — one deleter template; the aliases for each
// library's objects are declared once, beside it: cairo_ptr.hpp, glib_ptr.hpp, hb_ptr.hpp,
// fc_ptr.hpp. No release call (g_object_unref, cairo_*_destroy, hb_*_destroy, FcPatternDestroy,
// free …) is written by hand anywhere else.
#pragma once

#include <cstdlib>
#include <memory>

namespace handout {

/// Calls F on the pointer when the owner goes away; F is a plain C free function.
template <auto F>
struct CDeleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        if (p != nullptr) {
            F(p);
        }
    }
};

/// A unique owner of a C object freed by F.
template <typename T, auto F>
using CPtr = std::unique_ptr<T, CDeleter<F>>;

/// Memory from malloc (what some C APIs hand over), released with free.
template <typename T>
using MallocPtr = std::unique_ptr<T, CDeleter<std::free>>;

}  // namespace handout
