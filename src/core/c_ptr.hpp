// core: RAII ownership for C library objects (one deleter template, many aliases).
#pragma once

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

}  // namespace handout
