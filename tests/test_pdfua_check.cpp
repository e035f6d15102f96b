// tests: the project's PDF/UA check (tests/pdfua) can fail — a real render, broken one thing at a
// time through qpdf, fails exactly the check that guards that thing and no other — and its
// language-tag grammar is RFC 5646's.
#include "helpers.hpp"
#include "pdfua/pdfua.hpp"

#include <doctest/doctest.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include <functional>
#include <string>
#include <vector>

namespace {

const std::string epoch = "SOURCE_DATE_EPOCH=1793491200";  // 2026-11-01, as scripts/make-samples.sh

/// The consent sheet (letter): two pages with headings, lists, a table with TH /Scope, links
/// with OBJRs, artifacts — rendered once per test run.
const std::string& consent_pdf() {
    static test::TempDir dir;
    static const std::string path = dir / "consent.pdf";
    static const test::RunResult run = test::run_cli_env(
        {"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "--data", "samples/patient.json", "-o", path}, {epoch});
    REQUIRE_MESSAGE((run.exit_code == 0 && test::exists(path)), "render failed: ", run.err);
    return path;
}

using Mutation = std::function<void(pdfua::Document&)>;

/// The consent sheet with `mutate` applied to its objects, written out and checked again.
pdfua::Report broken(const Mutation& mutate) {
    pdfua::Document doc(consent_pdf());
    mutate(doc);
    test::TempDir dir;
    const std::string out = dir / "broken.pdf";
    QPDFWriter w(doc.qpdf(), out.c_str());
    w.write();
    return pdfua::check_file(out);
}

/// The first element whose /S is `type`; fails the test when there is none.
const pdfua::Element& first(const pdfua::Document& doc, const std::string& type, std::size_t skip = 0) {
    for (const pdfua::Element& e : doc.elements()) {
        if (e.s == type && skip-- == 0) {
            return e;
        }
    }
    FAIL("no ", type, " element in the consent sheet");
    throw std::logic_error("unreachable");
}

/// `obj`'s /K as an array (a single kid is wrapped, so kids can be added).
QPDFObjectHandle kids_array(QPDFObjectHandle obj) {
    QPDFObjectHandle k = obj.getKey("/K");
    if (!k.isArray()) {
        k = k.isNull() ? QPDFObjectHandle::newArray() : QPDFObjectHandle::newArray({k});
        obj.replaceKey("/K", k);
    }
    return k;
}

std::string page_content(const pdfua::Page& page) {
    QPDFObjectHandle c = QPDFObjectHandle(page.dict).getKey("/Contents");
    REQUIRE(c.isStream());
    auto buf = c.getStreamData(qpdf_dl_generalized);
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
}

void set_page_content(const pdfua::Page& page, const std::string& data) {
    QPDFObjectHandle(page.dict).getKey("/Contents").replaceStreamData(data, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
}

/// The Type0 font the first text on page 1 is shown with.
const pdfua::Font& body_font(const pdfua::Document& doc) {
    for (const pdfua::Piece& p : doc.pieces()) {
        if (!p.codes.empty() && p.page == 0 && !p.artifact) {
            return doc.fonts().at(p.font);
        }
    }
    FAIL("no text on page 1");
    throw std::logic_error("unreachable");
}

struct Case {
    const char* name;
    Mutation mutate;
    std::vector<std::string> fails;  ///< exactly these checks fail
};

std::vector<Case> cases() {
    return {
        {"no /MarkInfo", [](pdfua::Document& d) { d.root().removeKey("/MarkInfo"); }, {"tagged"}},
        {"a catalog /Lang that is no BCP 47 tag",
         [](pdfua::Document& d) { d.root().replaceKey("/Lang", QPDFObjectHandle::newUnicodeString("en_US!")); },
         {"lang"}},
        {"H1 made H3", [](pdfua::Document& d) { QPDFObjectHandle(first(d, "H1").obj).replaceKey("/S", QPDFObjectHandle::newName("/H3")); },
         {"headings"}},
        {"a TR holding a P",
         [](pdfua::Document& d) {
             QPDFObjectHandle tr = first(d, "TR").obj;
             QPDFObjectHandle p = d.qpdf().makeIndirectObject(QPDFObjectHandle::parse("<< /Type /StructElem /S /P >>"));
             p.replaceKey("/P", tr);
             kids_array(tr).appendItem(p);
         },
         {"tables"}},
        {"a TH without /Scope", [](pdfua::Document& d) { QPDFObjectHandle(first(d, "TH").obj).removeKey("/A"); }, {"table-scope"}},
        {"a ragged row (a TD spanning two columns)",
         [](pdfua::Document& d) { QPDFObjectHandle(first(d, "TD", 1).obj).replaceKey("/A", QPDFObjectHandle::parse("<< /O /Table /ColSpan 2 >>")); },
         {"table-regular"}},
        {"an MCID claimed by two elements",
         [](pdfua::Document& d) {
             // The first paragraph's marked content, claimed again by a later paragraph on its page.
             const pdfua::Element& owner = first(d, "P");
             REQUIRE(!owner.mcrs.empty());
             pdfua::McRef ref = owner.mcrs.front();
             for (const pdfua::Element& e : d.elements()) {
                 if (&e > &owner && e.s == "P" && e.pg == ref.key && e.obj.getObjGen() != owner.obj.getObjGen()) {
                     kids_array(e.obj).appendItem(QPDFObjectHandle::newInteger(ref.mcid));
                     return;
                 }
             }
             FAIL("no second paragraph on the first paragraph's page");
         },
         {"mcid-claims"}},
        {"an MCID no element claims",
         [](pdfua::Document& d) { set_page_content(d.pages()[0], page_content(d.pages()[0]) + "\n/P <</MCID 999>> BDC EMC\n"); },
         {"mcid-claims"}},
        {"an Artifact inside an MCID's marked content",
         [](pdfua::Document& d) {
             std::string c = page_content(d.pages()[0]);
             const std::string open = "<</MCID 1>> BDC";
             std::size_t at = c.find(open);
             REQUIRE(at != std::string::npos);
             c.insert(at + open.size(), " /Artifact BMC EMC");
             set_page_content(d.pages()[0], c);
         },
         {"mc-nesting"}},
        {"a ToUnicode entry removed",
         [](pdfua::Document& d) {
             QPDFObjectHandle tu = QPDFObjectHandle(body_font(d).dict).getKey("/ToUnicode");
             auto buf = tu.getStreamData(qpdf_dl_generalized);
             std::string cmap(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
             // The first single entry: "N beginbfchar\n<code> <text>\n" loses its first line.
             std::size_t head = cmap.find(" beginbfchar\n");
             REQUIRE(head != std::string::npos);
             std::size_t count_at = cmap.rfind('\n', head) + 1;
             int n = std::stoi(cmap.substr(count_at, head - count_at));
             std::size_t line = head + 13, line_end = cmap.find('\n', line);
             cmap.erase(line, line_end + 1 - line);
             cmap.replace(count_at, head - count_at, std::to_string(n - 1));
             tu.replaceStreamData(cmap, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
         },
         {"to-unicode"}},
        {"a /W width off by 50",
         [](pdfua::Document& d) {
             QPDFObjectHandle cid = QPDFObjectHandle(body_font(d).dict).getKey("/DescendantFonts").getArrayItem(0);
             QPDFObjectHandle w = cid.getKey("/W");
             for (int i = 0; i < w.getArrayNItems(); ++i) {
                 QPDFObjectHandle item = w.getArrayItem(i);
                 if (item.isArray()) {
                     item.setArrayItem(0, QPDFObjectHandle::newInteger(item.getArrayItem(0).getIntValue() + 50));
                     return;
                 }
             }
             FAIL("no width array in /W");
         },
         {"font-widths"}},
        {"a Link annotation without /Contents",
         [](pdfua::Document& d) {
             for (const pdfua::Page& p : d.pages()) {
                 for (const pdfua::Annotation& a : p.annotations) {
                     if (a.subtype == "Link") {
                         QPDFObjectHandle(a.dict).removeKey("/Contents");
                         return;
                     }
                 }
             }
             FAIL("no Link annotation");
         },
         {"annot-contents"}},
        {"a ParentTree entry pointing at another element",
         [](pdfua::Document& d) {
             auto tree = d.parent_tree();
             QPDFObjectHandle arr = tree.at(*d.pages()[0].struct_parents);
             REQUIRE(arr.getArrayNItems() >= 2);
             QPDFObjectHandle a = arr.getArrayItem(0), b = arr.getArrayItem(1);
             REQUIRE(a.getObjGen() != b.getObjGen());
             arr.setArrayItem(0, b);
             arr.setArrayItem(1, a);
         },
         {"parent-tree"}},
        {"two blocks swapped in the structure tree",
         [](pdfua::Document& d) {
             // A paragraph and the sibling before it (a heading or a paragraph), both on page 1.
             for (const pdfua::Element& parent : d.elements()) {
                 QPDFObjectHandle k = QPDFObjectHandle(parent.obj).getKey("/K");
                 for (int i = 0; k.isArray() && i + 1 < k.getArrayNItems(); ++i) {
                     QPDFObjectHandle a = k.getArrayItem(i), b = k.getArrayItem(i + 1);
                     int ea = d.element_of(a.getObjGen()), eb = d.element_of(b.getObjGen());
                     if (ea < 0 || eb < 0 || d.elements()[static_cast<std::size_t>(eb)].s != "P" || d.element_page(ea) != 1 ||
                         d.element_page(eb) != 1) {
                         continue;
                     }
                     k.setArrayItem(i, b);
                     k.setArrayItem(i + 1, a);
                     return;
                 }
             }
             FAIL("no paragraph after a sibling on page 1");
         },
         {"reading-order"}},
        {"a glyph code 0 (.notdef) shown",
         [](pdfua::Document& d) {
             std::string c = page_content(d.pages()[0]);
             const std::string open = "<</MCID 1>> BDC";
             std::size_t at = c.find(open);
             REQUIRE(at != std::string::npos);
             c.insert(at + open.size(), " [<0000>] TJ");
             set_page_content(d.pages()[0], c);
         },
         {"to-unicode", "font-widths", "notdef"}},  // no /W for code 0: /DW 1000 against .notdef's own advance
        {"text outside marked content",
         [](pdfua::Document& d) {
             // Between the first paragraph's EMC and the heading's BDC after it, in the same BT.
             std::string c = page_content(d.pages()[0]);
             std::size_t at = c.find("<</MCID 2>> BDC");
             REQUIRE(at != std::string::npos);
             c.insert(c.rfind('/', at), "[<0022>] TJ ");
             set_page_content(d.pages()[0], c);
         },
         {"untagged-text"}},
        {"no XMP metadata", [](pdfua::Document& d) { d.root().removeKey("/Metadata"); }, {"metadata"}},
    };
}

}  // namespace

TEST_SUITE("pdfua") {

TEST_CASE("the consent sheet passes every check: the control for the broken copies") {
    pdfua::Report r = pdfua::check_file(consent_pdf());
    CHECK_MESSAGE(r.passed(), pdfua::format(r, true));
    CHECK(r.checks.size() == pdfua::check_ids().size());
    // The sheet has what the broken copies break.
    pdfua::Document doc(consent_pdf());
    for (const char* type : {"H1", "P", "Table", "TR", "TH", "TD", "L", "LI", "Link"}) {
        CHECK_MESSAGE(std::any_of(doc.elements().begin(), doc.elements().end(), [&](const pdfua::Element& e) { return e.s == type; }),
                      "no ", type);
    }
}

TEST_CASE("a sheet broken in one way fails exactly the check for that, and the check names what broke") {
    for (const Case& c : cases()) {
        INFO(std::string(c.name));
        pdfua::Report r = broken(c.mutate);
        CHECK_MESSAGE(r.failed() == c.fails, pdfua::format(r, true));
        for (const std::string& id : c.fails) {
            const pdfua::Check* check = r.find(id);
            REQUIRE(check != nullptr);
            CHECK(!check->items.empty());
            CHECK(!check->clause.empty());
            if (check->count) {
                CHECK(*check->count == check->items.size());
            }
        }
    }
}

TEST_CASE("pdfua_check exits 0 on a good file, 1 on a broken one, 2 on one that is no PDF") {
    const std::string tool = std::string(HANDOUT_BINARY).substr(0, std::string(HANDOUT_BINARY).rfind('/') + 1) + "pdfua_check";
    REQUIRE_MESSAGE(test::exists(tool), tool, " is missing (cmake --build … --target pdfua_check)");
    auto good = test::run_command({tool, consent_pdf()});
    CHECK_MESSAGE(good.exit_code == 0, good.out);
    CHECK(good.out.find("=> PASS") != std::string::npos);

    test::TempDir dir;
    const std::string broken = dir / "broken.pdf";  // QPDFWriter keeps the name it is given
    {
        pdfua::Document doc(consent_pdf());
        doc.root().removeKey("/MarkInfo");
        QPDFWriter w(doc.qpdf(), broken.c_str());
        w.write();
    }
    auto bad = test::run_command({tool, "-v", broken});
    CHECK_MESSAGE(bad.exit_code == 1, bad.out);
    CHECK(bad.out.find("tagged             FAIL") != std::string::npos);
    CHECK(bad.out.find("no /MarkInfo") != std::string::npos);

    test::write_file(dir / "not.pdf", "plain text, no PDF\n");
    auto none = test::run_command({tool, dir / "not.pdf"});
    CHECK(none.exit_code == 2);
}

TEST_CASE("language tags are held to RFC 5646") {
    for (const char* ok : {"en", "es", "en-US", "zh-Hant", "zh-Hans-CN", "sr-Latn-RS", "es-419", "de-CH-1996", "hy-Latn-IT-arevela",
                           "en-a-bbb-x-a-ccc", "x-whatever", "i-klingon", "EN-us", "zh-yue-HK", "sl-rozaj-biske"}) {
        CHECK_MESSAGE(pdfua::valid_language_tag(ok), ok);
    }
    for (const char* bad : {"", "en_US!", "en_US", "e", "en-", "-en", "toolonglanguage", "de-1996-1996", "en-a-bbb-a-ccc", "12",
                            "en-US-", "x", "a-DE", "ar-a-aaa-b-bbb-a-ccc"}) {
        CHECK_MESSAGE(!pdfua::valid_language_tag(bad), bad);
    }
}

}  // TEST_SUITE
