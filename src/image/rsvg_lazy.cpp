#include "image/rsvg_lazy.hpp"

#include <dlfcn.h>

#include <mutex>

namespace handout {

const RsvgApi* rsvg_api() {
    // Written once under call_once, read-only afterwards.
    static RsvgApi api{};
    static bool loaded = false;
    static std::once_flag once;
    std::call_once(once, [] {
        void* lib = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);  // never closed: handles outlive any caller
        if (lib == nullptr) {
            return;
        }
        api.new_from_data = reinterpret_cast<decltype(api.new_from_data)>(dlsym(lib, "rsvg_handle_new_from_data"));
        api.get_intrinsic_size_in_pixels = reinterpret_cast<decltype(api.get_intrinsic_size_in_pixels)>(
            dlsym(lib, "rsvg_handle_get_intrinsic_size_in_pixels"));
        api.get_geometry_for_element =
            reinterpret_cast<decltype(api.get_geometry_for_element)>(dlsym(lib, "rsvg_handle_get_geometry_for_element"));
        api.render_document = reinterpret_cast<decltype(api.render_document)>(dlsym(lib, "rsvg_handle_render_document"));
        loaded = api.new_from_data && api.get_intrinsic_size_in_pixels && api.get_geometry_for_element && api.render_document;
    });
    return loaded ? &api : nullptr;
}

}  // namespace handout
