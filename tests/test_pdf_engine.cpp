// tests: the tagged PDF engine (`--engine handout`, the default) held to the project's PDF/UA
// check (tests/pdfua, in process) and to outside tools — qpdf, pdftotext/pdffonts/pdftoppm,
// mutool, Ghostscript — and to the Cairo engine's output for the same documents: every shipped
// content × every shipped layout.
#include "helpers.hpp"
#include "pdfua/pdfua.hpp"
#include "pdfua/probe.hpp"

#include <doctest/doctest.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <cstddef>
#include <sstream>

namespace {

using test::contains;
using test::FontRow;
using test::front_matter_title;
using test::have;
using test::pdffonts;
using test::pdftotext;
using test::split_lines;
using test::subset_tagged;

const std::string epoch = "SOURCE_DATE_EPOCH=1793491200";  // 2026-11-01, as scripts/make-samples.sh

struct Case {
    std::string content;  ///< content/….md
    std::string data;     ///< --data file, or empty
    std::string layout;   ///< letter, a4, large-print
    std::string lang;     ///< the catalog /Lang the PDF must carry

    std::string name() const {
        std::string base = content.substr(content.rfind('/') + 1);
        return base + " × " + layout;
    }
    std::string slug() const {
        std::string s = content.substr(content.rfind('/') + 1);
        s = s.substr(0, s.size() - 3);  // .md
        return s + "-" + layout;
    }
};

std::vector<Case> cases() {
    struct Content {
        const char* path;
        const char* data;
        const char* lang;
    };
    const Content contents[] = {
        {"content/ketamine-infusion.md", "", "en"},
        {"content/ketamine-consent.md", "samples/patient.json", "en"},
        {"content/ketamine-infusion.es.md", "", "es"},
        {"content/ketamine-consent.es.md", "samples/patient-es.json", "es"},
        {"content/language-assistance.md", "", "en"},
    };
    std::vector<Case> out;
    for (const Content& c : contents) {
        for (const char* layout : {"letter", "a4", "large-print"}) {
            out.push_back(Case{c.path, c.data, layout, c.lang});
        }
    }
    return out;
}

std::vector<std::string> render_args(const Case& c, const std::string& out, const std::string& engine) {
    std::vector<std::string> args = {"render", c.content, "-l", "layouts/" + c.layout + ".toml"};
    if (!c.data.empty()) {
        args.insert(args.end(), {"--data", c.data});
    }
    if (!engine.empty()) {
        args.insert(args.end(), {"--engine", engine});
    }
    args.insert(args.end(), {"-o", out});
    return args;
}

struct Rendered {
    Case c;
    std::string pdf;    ///< the default engine's
    std::string cairo;  ///< --engine cairo
    test::RunResult run, cairo_run;
};

/// Every case rendered by both engines once per build and inputs, shared by the test processes
/// (test::render_shared). The files are read-only to the tests: a case that changes one copies it.
const std::vector<Rendered>& rendered() {
    static const std::vector<Rendered> all = [] {
        std::vector<Rendered> v;
        for (const Case& c : cases()) {
            auto pdf = test::render_shared(render_args(c, "{out}", ""), {epoch});
            auto cairo = test::render_shared(render_args(c, "{out}", "cairo"), {epoch});
            v.push_back(Rendered{c, pdf.path, cairo.path, pdf.run, cairo.run});
        }
        return v;
    }();
    return all;
}

const Rendered& find_case(const std::string& content, const std::string& layout) {
    for (const Rendered& r : rendered()) {
        if (r.c.content == content && r.c.layout == layout) {
            return r;
        }
    }
    throw std::runtime_error("no case " + content + " × " + layout);
}

/// Each line without its trailing white space (pdftotext pads lines and ends pages with \f).
std::string strip_line_ends(std::string_view s) {
    std::string out;
    for (std::string line : split_lines(s)) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                                 line.back() == '\f' || line.back() == '\v')) {
            line.pop_back();
        }
        out += line;
        out += '\n';
    }
    return out;
}

/// The first line where `a` and `b` differ, for a failure message.
std::string first_difference(const std::string& a, const std::string& b) {
    auto la = split_lines(a), lb = split_lines(b);
    for (std::size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
        std::string x = i < la.size() ? la[i] : "(no line)";
        std::string y = i < lb.size() ? lb[i] : "(no line)";
        if (x != y) {
            return "first difference at line " + std::to_string(i + 1) + "\n  handout: «" + x + "»\n  cairo:   «" + y + "»";
        }
    }
    return "no difference";
}

/// The Markdown headings after the front matter, without `#`s and `{#id}`.
std::vector<std::string> headings(const std::string& path) {
    std::string text = test::read_file(path);
    std::size_t body = text.find("\n---", 3);
    REQUIRE_MESSAGE(body != std::string::npos, "no front matter in ", path);
    std::vector<std::string> out;
    for (std::string line : split_lines(std::string_view(text).substr(body + 4))) {
        if (line.empty() || line[0] != '#') {
            continue;
        }
        std::size_t start = line.find_first_not_of('#');
        line = line.substr(start == std::string::npos ? line.size() : start);
        if (std::size_t id = line.find(" {#"); id != std::string::npos) {
            line = line.substr(0, id);
        }
        out.push_back(test::normalize_space(line));
    }
    return out;
}

/// The project's PDF/UA check of `pdf`; fails the test when the file cannot be read.
pdfua::Report ua_check(const std::string& pdf) {
    try {
        return pdfua::check_file(pdf);
    } catch (const pdfua::Unreadable& e) {
        FAIL("the PDF/UA check cannot read ", pdf, ": ", e.what());
    }
    return {};
}

/// The PNG files in `dir` whose names start with `prefix`.
std::size_t count_pngs(const std::string& dir, const std::string& prefix) {
    std::size_t n = 0;
    for (const auto& f : test::list_files(dir)) {
        if (f.rfind(prefix, 0) == 0 && f.size() > 4 && f.compare(f.size() - 4, 4, ".png") == 0 &&
            test::is_png(test::read_file(dir + "/" + f))) {
            ++n;
        }
    }
    return n;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("the cases are every shipped content file, so every sample is held to the checks below") {
    std::vector<std::string> listed, shipped;
    for (const Case& c : cases()) {
        if (std::find(listed.begin(), listed.end(), c.content) == listed.end()) {
            listed.push_back(c.content);
        }
    }
    for (const std::string& f : test::list_files("content")) {
        if (f.size() > 3 && f.compare(f.size() - 3, 3, ".md") == 0 && f.find('/') == std::string::npos) {
            shipped.push_back("content/" + f);
        }
    }
    std::sort(listed.begin(), listed.end());
    CHECK(listed == shipped);
}

TEST_CASE("every content × layout renders with both engines, without a message") {
    REQUIRE(rendered().size() == 15);
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (have(r.run, r.pdf)) {
            CHECK_MESSAGE(r.run.err.empty(), r.run.err);
            CHECK(test::read_file(r.pdf).rfind("%PDF-1.7", 0) == 0);
        }
        if (have(r.cairo_run, r.cairo)) {
            CHECK_MESSAGE(r.cairo_run.err.empty(), r.cairo_run.err);
            CHECK(test::read_file(r.cairo).rfind("%PDF-", 0) == 0);
        }
    }
}

TEST_CASE("the default engine's PDFs pass the project's PDF/UA check: pdfua_lite's checks and the wider Matterhorn ones") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        pdfua::Report ua = ua_check(r.pdf);
        CHECK_MESSAGE(ua.passed(), pdfua::format(ua, true));
        CHECK(ua.failed() == std::vector<std::string>{});
        CHECK(ua.checks.size() == pdfua::check_ids().size());  // every check ran
        for (const char* id : {"to-unicode", "font-widths", "notdef", "reading-order", "mcid-claims", "table-regular"}) {
            const pdfua::Check* c = ua.find(id);
            REQUIRE(c != nullptr);
            CHECK_MESSAGE(c->status == pdfua::Status::pass, id, ": ", c->detail);
        }
    }
}

TEST_CASE("the PDF/UA check and the structure summary catch a PDF stripped of /MarkInfo and /Lang") {
    // The control for the two tests around it: the same file, two catalog keys gone, must fail.
    const Rendered& r = find_case("content/ketamine-infusion.md", "letter");
    REQUIRE(have(r.run, r.pdf));
    test::TempDir dir;
    std::string broken = dir / "broken.pdf";
    {
        QPDF pdf;
        pdf.processFile(r.pdf.c_str());
        pdf.getRoot().removeKey("/MarkInfo");
        pdf.getRoot().removeKey("/Lang");
        QPDFWriter w(pdf, broken.c_str());
        w.write();
    }
    pdfua::Report ua = ua_check(broken);
    CHECK_FALSE(ua.passed());
    CHECK(ua.failed() == std::vector<std::string>{"tagged", "lang"});
    pdfua::Summary s = pdfua::summary(broken);
    CHECK_FALSE(s.marked);
    CHECK_FALSE(s.lang.has_value());
    CHECK(s.struct_tree_root);
}

TEST_CASE("qpdf --check finds no syntax or stream encoding errors") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        auto q = test::run_command({"qpdf", "--check", r.pdf});
        CHECK_MESSAGE(q.exit_code == 0, q.out, q.err);
        CHECK_MESSAGE(contains(q.out, "No syntax or stream encoding errors"), q.out, q.err);
    }
}

/// `text` without the lines holding Hebrew or Arabic-script letters.
std::string without_rtl_lines(const std::string& text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t e = text.find('\n', pos);
        std::string line = text.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
        bool rtl = false;
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            auto b0 = static_cast<unsigned char>(line[i]);
            rtl = rtl || (b0 >= 0xD6 && b0 <= 0xDB);  // UTF-8 lead bytes of U+0580–U+06FF
        }
        if (!rtl) {
            out += line + "\n";
        }
        pos = e == std::string::npos ? text.size() : e + 1;
    }
    return out;
}

TEST_CASE("the default engine has the Cairo engine's pages and text") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf) || !have(r.cairo_run, r.cairo)) {
            continue;
        }
        test::Pdf ours(r.pdf), theirs(r.cairo);
        REQUIRE_MESSAGE(ours.ok(), ours.error());
        REQUIRE_MESSAGE(theirs.ok(), theirs.error());
        CHECK(ours.page_count() >= 1);
        CHECK(ours.page_count() == theirs.page_count());
        // Right-to-left lines are left out: Cairo's clusters lose letters there (its
        // extraction reads «لت زبانی» for «تسهیلات زبانی»); the language-assistance tests
        // check those lines against the content instead.
        std::string a = without_rtl_lines(strip_line_ends(pdftotext(r.pdf)));
        std::string b = without_rtl_lines(strip_line_ends(pdftotext(r.cairo)));
        CHECK(test::normalize_space(a).size() > 1000);
        bool same_text = a == b;  // not CHECK(a == b): doctest would print both texts whole
        CHECK_MESSAGE(same_text, first_difference(a, b));
    }
}

TEST_CASE("every font is an embedded, subset CID font (TrueType, or CFF for CJK) with ToUnicode") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        std::string raw;
        auto fonts = pdffonts(r.pdf, raw);
        INFO(raw);
        CHECK(!fonts.empty());
        for (const FontRow& f : fonts) {
            INFO(f.name);
            bool cjk = f.name.find("CJK") != std::string::npos;
            CHECK(f.type == (cjk ? "CID Type 0C" : "CID TrueType"));
            CHECK(f.emb == "yes");
            CHECK(f.sub == "yes");
            CHECK(f.uni == "yes");
            CHECK(subset_tagged(f.name));
        }
    }
}

TEST_CASE("the structure tree, language, XMP, /MarkInfo and tab order") {
    std::vector<std::string> pdfs;
    std::vector<const Rendered*> which;
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (have(r.run, r.pdf)) {
            pdfs.push_back(r.pdf);
            which.push_back(&r);
        }
    }
    REQUIRE(!pdfs.empty());
    for (std::size_t i = 0; i < which.size(); ++i) {
        const Rendered& r = *which[i];
        const pdfua::Summary s = pdfua::summary(pdfs[i]);
        INFO(r.c.name());
        CHECK(s.struct_tree_root);
        // The ketamine sheets have lists, tables and links; the language-assistance page has
        // headings and paragraphs only.
        const bool sheet = r.c.content.find("ketamine") != std::string::npos;
        for (const char* type : {"H1", "H2", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD"}) {
            if (!sheet && std::string(type) != "H1" && std::string(type) != "H2" && std::string(type) != "P") {
                continue;
            }
            CHECK_MESSAGE((s.types.count(type) && s.types.at(type) > 0), "no ", type, " element");
        }
        CHECK((s.types.count("H1") && s.types.at("H1") == 1));
        CHECK(s.lang == r.c.lang);
        CHECK(s.marked);
        CHECK(s.pdfua_part == "1");
        CHECK(s.xmp_title == front_matter_title(r.c.content));
        int links = 0;
        for (std::size_t p = 0; p < s.pages.size(); ++p) {
            const pdfua::Summary::PageInfo& page = s.pages[p];
            links += page.links;
            if (page.links > 0) {
                CHECK_MESSAGE(page.tabs == "/S", "page ", p + 1, " has ", page.links, " link(s) and /Tabs ", page.tabs.value_or("(none)"));
            }
        }
        CHECK((links > 0 || !sheet));  // or the /Tabs check above checked nothing
    }
}

TEST_CASE("the outline lists the title and the headings") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        test::Pdf pdf(r.pdf);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error());
        std::vector<std::string> expected = {front_matter_title(r.c.content)};
        auto hs = headings(r.c.content);
        REQUIRE(hs.size() >= (r.c.content.find("ketamine") != std::string::npos ? 5U : 1U));
        expected.insert(expected.end(), hs.begin(), hs.end());
        CHECK(pdf.outline() == expected);
        CHECK(pdf.title() == front_matter_title(r.c.content));
    }
}

TEST_CASE("the same render twice gives the same bytes, and --engine handout is the default") {
    test::TempDir dir;
    for (const Rendered* r : {&find_case("content/ketamine-infusion.md", "letter"),
                              &find_case("content/ketamine-consent.es.md", "a4")}) {
        INFO(r->c.name());
        if (!have(r->run, r->pdf)) {
            continue;
        }
        std::string again = dir / (r->c.slug() + "-again.pdf");
        std::string named = dir / (r->c.slug() + "-named.pdf");
        auto a = test::run_cli_env(render_args(r->c, again, ""), {epoch});
        auto n = test::run_cli_env(render_args(r->c, named, "handout"), {epoch});
        std::string first = test::read_file(r->pdf);
        REQUIRE(!first.empty());
        if (have(a, again)) {
            bool same = test::read_file(again) == first;
            CHECK_MESSAGE(same, again, " differs from ", r->pdf);
        }
        if (have(n, named)) {
            bool same = test::read_file(named) == first;
            CHECK_MESSAGE(same, "--engine handout: ", named, " differs from the default engine's ", r->pdf);
        }
        bool differs = test::read_file(r->cairo) != first;  // the engines differ, so the comparison can fail
        CHECK(differs);
    }
}

TEST_CASE("a batch writes the same bytes with --jobs 1 and --jobs 2, Spanish rows included") {
    // Records: id first, lang last (no field of the shipped manifest quotes a comma at either end).
    std::string csv = test::read_file("samples/patients.csv");
    REQUIRE(!csv.empty());
    std::vector<std::pair<std::string, std::string>> records;  // id, lang
    auto lines = split_lines(csv);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string line = lines[i];
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        records.emplace_back(line.substr(0, line.find(',')), line.substr(line.rfind(',') + 1));
    }
    std::size_t spanish = static_cast<std::size_t>(
        std::count_if(records.begin(), records.end(), [](const auto& rec) { return rec.second == "es"; }));
    REQUIRE(records.size() >= 4);
    REQUIRE(spanish >= 1);

    test::TempDir dir;
    std::string one = dir / "one", two = dir / "two";
    auto batch = [&](const std::string& out, const char* jobs) {
        return test::run_batch_cli({"batch", "samples/patients.csv", "-c", "content/ketamine-consent.md", "-l",
                                    "layouts/letter.toml", "--out", out, "--name", "{{patient.id}}.pdf", "--jobs", jobs,
                                    "--quiet"},
                                   {epoch});
    };
    auto r1 = batch(one, "1");
    auto r2 = batch(two, "2");
    REQUIRE_MESSAGE(r1.exit_code == 0, r1.err);
    REQUIRE_MESSAGE(r2.exit_code == 0, r2.err);
    std::vector<std::string> pdfs;
    for (const auto& [id, lang] : records) {
        std::string a = one + "/" + id + ".pdf", b = two + "/" + id + ".pdf";
        INFO(id);
        std::string bytes = test::read_file(a);
        CHECK_MESSAGE(!bytes.empty(), "missing ", a);
        bool same = bytes == test::read_file(b);
        CHECK_MESSAGE(same, a, " and ", b, " differ");
        if (!bytes.empty()) {
            pdfs.push_back(a);
        }
    }
    REQUIRE(pdfs.size() == records.size());
    // The Spanish rows took content/ketamine-consent.es.md: Spanish catalog language and title.
    std::vector<pdfua::Summary> s;
    for (const std::string& pdf : pdfs) {
        s.push_back(pdfua::summary(pdf));
    }
    const std::string en_title = front_matter_title("content/ketamine-consent.md");
    const std::string es_title = front_matter_title("content/ketamine-consent.es.md");
    std::size_t es_pdfs = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        INFO(records[i].first);
        bool es = records[i].second == "es";
        es_pdfs += s[i].lang == "es" ? 1 : 0;
        CHECK(s[i].lang == (es ? "es" : "en"));
        CHECK(s[i].xmp_title == (es ? es_title : en_title));
    }
    CHECK(es_pdfs == spanish);
}

TEST_CASE("the PDFs render in poppler, MuPDF and Ghostscript without a warning") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        test::Pdf pdf(r.pdf);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error());
        test::TempDir dir;

        auto pp = test::run_command({"pdftoppm", "-r", "40", "-png", r.pdf, dir / "pp"});
        CHECK_MESSAGE(pp.exit_code == 0, pp.err);
        CHECK_MESSAGE(pp.err.empty(), "pdftoppm: ", pp.err);
        CHECK(count_pngs(dir.path(), "pp") == static_cast<std::size_t>(pdf.page_count()));

        auto mu = test::run_command({"mutool", "draw", "-q", "-o", dir / "mu.png", "-r", "40", r.pdf, "1"});
        CHECK_MESSAGE(mu.exit_code == 0, mu.err);
        std::string mu_err = test::mutool_messages(mu.err);
        CHECK_MESSAGE(mu_err.empty(), "mutool: ", mu_err);
        CHECK(test::is_png(test::read_file(dir / "mu.png")));

        auto gs = test::run_command({"gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r40",
                                     "-sOutputFile=" + dir / "gs%d.png", r.pdf});
        CHECK_MESSAGE(gs.exit_code == 0, gs.err);
        CHECK_MESSAGE((gs.out + gs.err).empty(), "gs: ", gs.out, gs.err);
        CHECK(count_pngs(dir.path(), "gs") == static_cast<std::size_t>(pdf.page_count()));
    }
}

TEST_CASE("every render is at most half the Cairo engine's size, and a 2-page handout at most 25,000 bytes") {
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf) || !have(r.cairo_run, r.cairo)) {
            continue;
        }
        std::size_t ours = test::read_file(r.pdf).size(), theirs = test::read_file(r.cairo).size();
        INFO("handout ", ours, " bytes, cairo ", theirs, " bytes");
        CHECK(ours > 0);
        CHECK(2 * ours <= theirs);
        if (r.c.content.find("ketamine") != std::string::npos && r.c.layout != "large-print") {
            CHECK(ours <= 25000);
        }
    }
}

TEST_CASE("no two words overlap on any page (captions that wrap push what follows down)") {
    // pdftotext -bbox: each word's box. Boxes are tall (the font's whole height), so words count
    // as colliding when their x ranges overlap and their middles are closer than a third of
    // the smaller box's height — text set on top of other text, not neighbouring lines.
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        auto out = test::run_command({"pdftotext", "-bbox", r.pdf, "-"});
        REQUIRE(out.exit_code == 0);
        struct Word {
            double x0, y0, x1, y1;
            std::string text;
        };
        std::vector<std::vector<Word>> pages;
        std::regex word_re("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>");
        for (const std::string& line : split_lines(out.out)) {
            if (line.find("<page") != std::string::npos) {
                pages.emplace_back();
            }
            std::smatch m;
            if (!pages.empty() && std::regex_search(line, m, word_re)) {
                pages.back().push_back(Word{std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), m[5]});
            }
        }
        CHECK(!pages.empty());
        for (std::size_t p = 0; p < pages.size(); ++p) {
            const auto& ws = pages[p];
            std::string collision;  // the first pair found, for the message
            for (std::size_t i = 0; i < ws.size() && collision.empty(); ++i) {
                for (std::size_t j = i + 1; j < ws.size(); ++j) {
                    const Word& a = ws[i];
                    const Word& b = ws[j];
                    bool x_overlap = std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > 0.5;
                    double mid_gap = std::abs((a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2);
                    double h = std::min(a.y1 - a.y0, b.y1 - b.y0);
                    if (x_overlap && mid_gap < h / 3) {
                        collision = "«" + a.text + "» overlaps «" + b.text + "»";
                        break;
                    }
                }
            }
            CHECK_MESSAGE(collision.empty(), "page ", p + 1, ": ", collision);
        }
    }
}

TEST_CASE("a word hyphenated at a line end extracts whole") {
    const Rendered& letter = find_case("content/ketamine-infusion.md", "letter");
    REQUIRE(have(letter.run, letter.pdf));
    std::string text = pdftotext(letter.pdf);
    // Words the letter layout breaks with a hyphen in the shipped handout.
    for (std::string word : {"doctors", "ketamine.", "together"}) {
        CHECK_MESSAGE(contains(test::normalize_space(text), word), "missing: ", word);
    }
    for (const Rendered& r : rendered()) {
        INFO(r.c.name());
        if (!have(r.run, r.pdf)) {
            continue;
        }
        std::string t = r.pdf == letter.pdf ? text : pdftotext(r.pdf);
        auto lines = split_lines(t);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (contains(lines[i], "\xC2\xAD")) {
                FAIL_CHECK("U+00AD extracted at line ", i + 1, ": «", lines[i], "» then «",
                           i + 1 < lines.size() ? lines[i + 1] : std::string(), "»");
            }
        }
    }
}

}  // TEST_SUITE

TEST_CASE("an SVG's cached drawing is used, and a damaged one is drawn again: the same bytes each time") {
    test::TempDir dir;
    const std::string cache = "HANDOUT_CACHE_DIR=" + (dir / "cache");
    auto render = [&](const std::string& out) {
        auto r = test::run_cli_env({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o", out}, {epoch, cache});
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        return test::read_file(out);
    };
    std::string first = render(dir / "first.pdf");  // draws the SVG logo and stores it
    std::vector<std::string> records;
    for (const auto& e : std::filesystem::directory_iterator(dir / "cache")) {
        if (e.path().filename().string().rfind("svg-", 0) == 0) {
            records.push_back(e.path().string());
        }
    }
    REQUIRE(records.size() == 1);
    CHECK(render(dir / "cached.pdf") == first);
    const std::string whole = test::read_file(records.front());
    test::write_file(records.front(), whole.substr(0, whole.size() / 3));  // cut off
    CHECK(render(dir / "repaired.pdf") == first);
    // Written whole again (not byte for byte: Cairo dates the PDF it draws, a date we never copy).
    const std::string repaired = test::read_file(records.front());
    CHECK(repaired.rfind("%handout-svg ", 0) == 0);
    CHECK(repaired.size() > whole.size() / 2);
    CHECK(repaired.find("%%EOF") != std::string::npos);
}
