// typeset (internal): shrink-to-fit — takes a document set at the layout's sizes; when it runs
// over `[page] max_pages`, sets it again with the body half a point smaller at a time (callouts
// and tables in proportion), never below `[body] min_size`. A warning says the size it took; an
// error says how many pages the document needs when even the smallest size does not fit.
#pragma once

#include "typeset/typeset.hpp"

namespace handout {

Result<Pages> shrink_to_fit(const TypesetInput& input, Result<Pages> natural);

}  // namespace handout
