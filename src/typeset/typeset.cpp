#include "typeset/typeset.hpp"

#include "typeset/shrink_to_fit.hpp"
#include "typeset/typesetter.hpp"

namespace handout {

Result<Pages> typeset(const TypesetInput& in) {
    return shrink_to_fit(in, Typesetter(in).run());
}

}  // namespace handout
