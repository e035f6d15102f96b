#include "core/source_date.hpp"

#include <cstdlib>

namespace handout {

std::optional<std::time_t> source_date_epoch() {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr || *epoch == '\0') {
        return std::nullopt;
    }
    char* end = nullptr;
    const long long v = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || v < 0) {
        return std::nullopt;
    }
    return static_cast<std::time_t>(v);
}

}  // namespace handout
