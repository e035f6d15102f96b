// core: SOURCE_DATE_EPOCH (reproducible-builds.org), the one clock a reproducible output may use.
#pragma once

#include <ctime>
#include <optional>

namespace handout {

/// SOURCE_DATE_EPOCH as a time, when it is set to a whole number of seconds ≥ 0; else nullopt.
std::optional<std::time_t> source_date_epoch();

}  // namespace handout
