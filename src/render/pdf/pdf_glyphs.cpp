#include "render/pdf/pdf_glyphs.hpp"

#include "render/pdf/pdf_syntax.hpp"

#include <cmath>
#include <vector>

namespace handout::pdf {

namespace {

struct Segment {
    std::size_t a = 0, b = 0;
    std::optional<std::string> actual;  ///< ActualText for glyphs [a, b), if they need one
};

/// Splits [a, b) into stretches that read right through ToUnicode and words that need
/// ActualText: a word (clusters between spaces) gets one when any of its clusters' glyphs map
/// to other text, so extraction sees it as one piece, gaps between its glyphs and all.
void cluster_segments(const GlyphRun& run, const FontUse& use, std::size_t a, std::size_t b, std::vector<Segment>& out) {
    struct Cluster {
        std::size_t a, b;
        std::string text;
        bool reads;  ///< ToUnicode alone gives the text
        bool space;
    };
    std::vector<Cluster> clusters;
    std::size_t i = a;
    while (i < b) {
        std::size_t j = i + 1;
        while (j < b && run.glyphs[j].cluster == run.glyphs[i].cluster) {
            ++j;
        }
        std::string actual = glyph_text(run, i);
        bool reads = false;
        if (j == i + 1) {
            const std::string* t = use.text(run.glyphs[i].id);
            reads = t != nullptr ? *t == actual : actual.empty();
        } else {
            std::string mapped;
            for (std::size_t k = i; k < j; ++k) {
                if (const std::string* t = use.text(run.glyphs[k].id)) {
                    mapped += *t;
                }
            }
            reads = mapped == actual;
        }
        bool space = actual.find(' ') != std::string::npos;
        clusters.push_back({i, j, std::move(actual), reads, space});
        i = j;
    }
    auto plain = [&](std::size_t from, std::size_t to) {
        if (!out.empty() && !out.back().actual && out.back().b == from) {
            out.back().b = to;
        } else {
            out.push_back({from, to, std::nullopt});
        }
    };
    std::size_t w = 0;
    while (w < clusters.size()) {
        if (clusters[w].space) {
            plain(clusters[w].a, clusters[w].b);
            ++w;
            continue;
        }
        std::size_t e = w;
        bool reads = true;
        std::string text;
        while (e < clusters.size() && !clusters[e].space) {
            reads = reads && clusters[e].reads;
            text += clusters[e].text;
            ++e;
        }
        if (reads) {
            plain(clusters[w].a, clusters[e - 1].b);
        } else {
            out.push_back({clusters[w].a, clusters[e - 1].b, std::move(text)});
        }
        w = e;
    }
}

}  // namespace

void write_glyphs(std::string& c, const GlyphRun& run, const EmbeddedFont& font, PdfCache::Impl::Face& face, const RunText& text) {
    const std::size_t n = run.glyphs.size();
    std::vector<Segment> segs;
    {
        std::size_t first = 0;
        if (text.tail_bytes > 0) {
            while (first < n && run.glyphs[first].cluster < text.tail_bytes) {
                ++first;
            }
            segs.push_back({0, first, std::string()});  // the rest of a word already read at the hyphen
        }
        std::size_t last = n;
        if (text.head_rest && n - first >= 1) {
            last = n - 1;
        }
        cluster_segments(run, *text.use, first, last, segs);
        if (last < n) {
            segs.push_back({last, n, *text.head_rest});  // the hyphen reads as the word's rest
        }
    }
    // The pen moves from a glyph's width in the font (and the letter spacing, set once by Tc)
    // to its laid-out advance (justification, kerning) by a TJ number.
    auto extra = [&](std::size_t i) {  // pt beyond the font's width and the letter spacing
        const Glyph& g = run.glyphs[i];
        double next_dx = i + 1 < n ? run.glyphs[i + 1].dx : 0;
        return g.advance + next_dx - g.dx - face.width(g.id) * run.size / 1000.0 - run.tracking;
    };
    // A mark placed above or below (Arabic, Devanagari) rides on the text rise.
    double rise = 0;
    bool in_string = false;
    auto open_string = [&] {
        if (!in_string) {
            c += '(';
            in_string = true;
        }
    };
    auto close_string = [&] {
        if (in_string) {
            c += ')';
            in_string = false;
        }
    };
    // Always TJ, even without numbers: the uniform text deflates smaller than Tj mixed in.
    auto open_array = [&] { c += '['; };
    auto close_array = [&] {
        close_string();
        c += "] TJ ";
    };
    // Emits glyphs [a, b) inside an open TJ array.
    auto glyphs = [&](std::size_t a, std::size_t b) {
        for (std::size_t i = a; i < b; ++i) {
            const Glyph& g = run.glyphs[i];
            if (std::abs(g.dy - rise) >= 0.005) {
                close_array();
                rise = g.dy;
                num(c, -rise);
                c += "Ts ";
                open_array();
            }
            open_string();
            std::uint32_t code = font.code(g.id);
            auto put = [&](unsigned byte) {
                if (byte == '(' || byte == ')' || byte == '\\') {
                    c += '\\';
                    c += static_cast<char>(byte);
                } else if (byte == '\r') {
                    c += "\\r";
                } else {
                    c += static_cast<char>(byte);
                }
            };
            put(code >> 8);  // 2 bytes, binary: smaller deflated than hex
            put(code & 0xFF);
            double adj = -extra(i) * 1000.0 / run.size;
            if (std::abs(adj) >= 0.05 && i + 1 < n) {
                close_string();
                c += ' ';
                num(c, std::round(adj * 10) / 10);
            }
        }
    };
    bool in_array = false;
    for (const Segment& s : segs) {
        if (s.a == s.b) {
            continue;
        }
        if (!s.actual) {
            if (!in_array) {
                open_array();
                in_array = true;
            }
            glyphs(s.a, s.b);
            continue;
        }
        if (in_array) {
            close_array();
            in_array = false;
        }
        c += "/Span <</ActualText <FEFF" + utf16_hex(*s.actual) + ">>> BDC ";
        open_array();
        glyphs(s.a, s.b);
        close_array();
        c += "EMC ";
    }
    if (in_array) {
        close_array();
    }
    if (rise != 0) {
        c += "0 Ts ";
    }
}

}  // namespace handout::pdf
