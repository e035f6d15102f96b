// render/cairo: takes Pages, returns PDF bytes (Cairo's PDF surface) or PNG bytes per page.
// Makes no layout decisions; draws what the display list says.
#pragma once

#include "core/diagnostic.hpp"
#include "pages/pages.hpp"

#include <string>
#include <vector>

namespace handout {

/// A PDF with every font embedded and subset, links, outline and metadata.
Result<std::string> render_pdf_cairo(const Pages& pages);

/// One PNG per page at `dpi`, white background.
Result<std::vector<std::string>> render_png_cairo(const Pages& pages, double dpi);

}  // namespace handout
