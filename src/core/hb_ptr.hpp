// core: owners for HarfBuzz objects, hb-subset's among them (each released by its own destroy
// call). Included only by stages that link HarfBuzz.
#pragma once

#include "core/c_ptr.hpp"

#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

namespace handout {

using HbBlobPtr = CPtr<hb_blob_t, hb_blob_destroy>;
using HbFacePtr = CPtr<hb_face_t, hb_face_destroy>;
using HbFontPtr = CPtr<hb_font_t, hb_font_destroy>;
using HbBufferPtr = CPtr<hb_buffer_t, hb_buffer_destroy>;
using HbSetPtr = CPtr<hb_set_t, hb_set_destroy>;
using HbMapPtr = CPtr<hb_map_t, hb_map_destroy>;
using HbSubsetInputPtr = CPtr<hb_subset_input_t, hb_subset_input_destroy>;
using HbSubsetPlanPtr = CPtr<hb_subset_plan_t, hb_subset_plan_destroy>;

}  // namespace handout
