// tests: content/ — Markdown + YAML front matter to a Document, and its diagnostics' positions.
#include "content/parse_content.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace handout;

namespace {

Result<Document> parse(std::string text) {
    return parse_content(test::source(std::move(text), "doc.md"));
}

const std::string front = "---\ntitle: T\n---\n";

template <typename T>
const T* block_as(const Document& doc, std::size_t i) {
    if (i >= doc.blocks.size()) {
        return nullptr;
    }
    return std::get_if<T>(&doc.blocks[i].v);
}

template <typename T>
std::vector<const T*> all_of(const Blocks& bs) {
    std::vector<const T*> out;
    for (const auto& b : bs) {
        if (const auto* x = std::get_if<T>(&b.v)) {
            out.push_back(x);
        }
    }
    return out;
}

const Span* span_with(const Spans& spans, std::string_view text) {
    for (const auto& s : spans) {
        if (s.text == text) {
            return &s;
        }
    }
    return nullptr;
}

}  // namespace

TEST_SUITE("content") {

TEST_CASE("front matter fields are read into Meta") {
    auto r = parse("---\n"
                   "title: \"Ketamine: what to expect\"\n"
                   "kind: consent-discussion\n"
                   "lang: es\n"
                   "revision: \"R-7\"\n"
                   "author: Clinic\n"
                   "keywords:\n"
                   "  - ketamine\n"
                   "  - chronic pain\n"
                   "date: 2026-11-01\n"
                   "---\n\nBody.\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->meta.title == "Ketamine: what to expect");
    CHECK(r->meta.kind == "consent-discussion");
    CHECK(r->meta.lang == "es");
    CHECK(r->meta.revision == "R-7");
    CHECK(r->meta.author == "Clinic");
    CHECK(r->meta.keywords == std::vector<std::string>{"ketamine", "chronic pain"});
    CHECK(r->meta.date == "2026-11-01");
}

TEST_CASE("keywords may be one comma-separated line") {
    auto r = parse("---\ntitle: T\nkeywords: a, b c ,d\n---\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->meta.keywords == std::vector<std::string>{"a", "b c", "d"});
}

TEST_CASE("a heading's {#id} is taken off its text") {
    auto r = parse(front + "## Possible side effects {#side-effects}\n\n### Small one\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    REQUIRE(r->blocks.size() == 2);
    const auto* h = block_as<Heading>(*r, 0);
    REQUIRE(h != nullptr);
    CHECK(h->level == 2);
    CHECK(h->id == "side-effects");
    CHECK(plain_text(h->spans) == "Possible side effects");
    const auto* h3 = block_as<Heading>(*r, 1);
    REQUIRE(h3 != nullptr);
    CHECK(h3->level == 3);
    CHECK(h3->id.empty());
    CHECK(plain_text(h3->spans) == "Small one");
}

TEST_CASE("bold, italic, code and link spans carry their style and target") {
    auto r = parse(front + "Plain **bold** *italic* `code` [call us](tel:+15550142368).\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* p = block_as<Paragraph>(*r, 0);
    REQUIRE(p != nullptr);
    const Span* bold = span_with(p->spans, "bold");
    const Span* italic = span_with(p->spans, "italic");
    const Span* code = span_with(p->spans, "code");
    const Span* link = span_with(p->spans, "call us");
    REQUIRE(bold != nullptr);
    REQUIRE(italic != nullptr);
    REQUIRE(code != nullptr);
    REQUIRE(link != nullptr);
    CHECK(bold->style == style_bold);
    CHECK(italic->style == style_italic);
    CHECK(code->style == style_code);
    CHECK(link->style == style_plain);
    CHECK(link->link == "tel:+15550142368");
    CHECK(bold->link.empty());
    CHECK(plain_text(p->spans) == "Plain bold italic code call us.");
    // Offsets point at the span's own characters in the file.
    CHECK(r->source->text.substr(bold->offset, 4) == "bold");
}

TEST_CASE("bullet lists nest and numbered lists keep their start number") {
    auto r = parse(front + "- one\n  - inner a\n  - inner b\n- two\n\n3. third\n4. fourth\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    auto lists = all_of<List>(r->blocks);
    REQUIRE(lists.size() == 2);
    const List& ul = *lists[0];
    CHECK_FALSE(ul.ordered);
    REQUIRE(ul.items.size() == 2);
    auto inner = all_of<List>(ul.items[0].blocks);
    REQUIRE(inner.size() == 1);
    CHECK(inner[0]->items.size() == 2);
    auto inner_paras = all_of<Paragraph>(inner[0]->items[1].blocks);
    REQUIRE(inner_paras.size() == 1);
    CHECK(plain_text(inner_paras[0]->spans) == "inner b");
    const List& ol = *lists[1];
    CHECK(ol.ordered);
    CHECK(ol.start == 3);
    CHECK(ol.items.size() == 2);
}

TEST_CASE("a pipe table keeps its header row and column alignments") {
    auto r = parse(front + "| Left | Mid | Right | Plain |\n|:--|:-:|--:|---|\n| a | b | c | d |\n| e | f | g | h |\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* t = block_as<Table>(*r, 0);
    REQUIRE(t != nullptr);
    REQUIRE(t->rows.size() == 3);
    REQUIRE(t->rows[0].size() == 4);
    CHECK(plain_text(t->rows[0][0]) == "Left");
    CHECK(plain_text(t->rows[0][2]) == "Right");
    CHECK(plain_text(t->rows[2][3]) == "h");
    CHECK(t->aligns == std::vector<Align>{Align::left, Align::center, Align::right, Align::start});
}

TEST_CASE("task list items are unchecked or checked") {
    auto r = parse(front + "- [ ] not yet\n- [x] done\n- [X] also done\n- plain\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* l = block_as<List>(*r, 0);
    REQUIRE(l != nullptr);
    REQUIRE(l->items.size() == 4);
    CHECK(l->items[0].task == Task::unchecked);
    CHECK(l->items[1].task == Task::checked);
    CHECK(l->items[2].task == Task::checked);
    CHECK(l->items[3].task == Task::none);
    auto p = all_of<Paragraph>(l->items[0].blocks);
    REQUIRE(p.size() == 1);
    CHECK(plain_text(p[0]->spans) == "not yet");
}

TEST_CASE("fenced divs keep their kind, id and content") {
    auto r = parse(front +
                   "::: caveat {#not-first-line}\n**Not first-line.** Text.\n:::\n\n"
                   "::: {.note #x}\nA note.\n:::\n\n"
                   "::: checklist\n- [ ] one\n:::\n\n"
                   "::: signature\nPatient\n\nClinician\n:::\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    auto divs = all_of<Div>(r->blocks);
    REQUIRE(divs.size() == 4);
    CHECK(divs[0]->kind == "caveat");
    CHECK(divs[0]->id == "not-first-line");
    REQUIRE(divs[0]->blocks.size() == 1);
    const auto* cp = std::get_if<Paragraph>(&divs[0]->blocks[0].v);
    REQUIRE(cp != nullptr);
    CHECK(plain_text(cp->spans) == "Not first-line. Text.");
    CHECK(divs[1]->kind == "note");
    CHECK(divs[1]->id == "x");
    CHECK(divs[2]->kind == "checklist");
    CHECK(divs[2]->id.empty());
    REQUIRE(all_of<List>(divs[2]->blocks).size() == 1);
    CHECK(divs[3]->kind == "signature");
    CHECK(all_of<Paragraph>(divs[3]->blocks).size() == 2);
}

TEST_CASE("an image paragraph becomes an Image with its alt text") {
    auto r = parse(front + "![A vein with an IV line](img/iv.png)\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    REQUIRE(r->blocks.size() == 1);
    const auto* im = block_as<Image>(*r, 0);
    REQUIRE(im != nullptr);
    CHECK(im->src == "img/iv.png");
    CHECK(im->alt == "A vein with an IV line");
}

TEST_CASE("{{name}} becomes a variable span with its name and offset") {
    std::string text = front + "Dear {{ patient.name }}, see you on {{date}}.\n";
    auto r = parse(text);
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* p = block_as<Paragraph>(*r, 0);
    REQUIRE(p != nullptr);
    std::vector<const Span*> vars;
    for (const auto& s : p->spans) {
        if (s.kind == Span::Kind::variable) {
            vars.push_back(&s);
        }
    }
    REQUIRE(vars.size() == 2);
    CHECK(vars[0]->text == "patient.name");
    CHECK(vars[0]->offset == text.find("{{ patient"));
    CHECK(vars[1]->text == "date");
    CHECK(vars[1]->offset == text.find("{{date"));
    CHECK(p->spans.front().kind == Span::Kind::text);
    CHECK(p->spans.front().text == "Dear ");
    CHECK(variables_used(*r) == std::vector<std::string>{"patient.name", "date"});
}

TEST_CASE("an unknown front matter key is reported at the key with a did-you-mean hint") {
    auto r = parse("---\ntitle: T\nrevison: 3\n---\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "revison");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "3:1");
    CHECK(test::has_hint(*d, "did you mean `revision`?"));
}

TEST_CASE("a div that is never closed is reported at its opening line") {
    auto r = parse(front + "Text.\n\n::: note\nInside.\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "never closed");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "6:1");
}

TEST_CASE("an unknown div kind names the nearest kind") {
    auto r = parse(front + "\n::: caveet\nText.\n:::\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "unknown block kind `caveet`");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "5:5");
    CHECK(test::has_hint(*d, "did you mean `::: caveat`?"));
}

TEST_CASE("a stray ::: that closes nothing is an error at its line") {
    auto r = parse(front + "Text.\n\n:::\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "closes no open block");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "6:1");
}

TEST_CASE("an unclosed {{ is reported where it opens") {
    auto r = parse(front + "Hello\nDear {{patient.name, welcome.\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "not closed");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "5:6");
}

TEST_CASE("a date not written YYYY-MM-DD is an error at the value") {
    auto r = parse("---\ntitle: T\ndate: 11/01/2026\n---\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "YYYY-MM-DD");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "3:7");
}

TEST_CASE("several errors in one file are all reported") {
    auto r = parse("---\ntitle: T\nrevison: 3\n---\n\n::: caveet\nx\n:::\n\n:::\n");
    CHECK(r.diagnostics.size() >= 3);
}

TEST_CASE("a date that is not a real day is an error") {
    for (std::string date : {"2026-13-01", "2026-02-30", "2026-00-10"}) {
        CAPTURE(date);
        auto r = parse("---\ntitle: T\ndate: " + date + "\n---\n");
        const Diagnostic* d = test::find_diag(r.diagnostics, "date");
        CHECK_MESSAGE(d != nullptr, "accepted ", date);
        if (d != nullptr) {
            CHECK(test::pos(*d) == "3:7");
        }
    }
}

TEST_CASE("a UTF-8 BOM and CRLF line ends parse like plain LF") {
    auto r = parse("\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\n\r\n## Hi {#x}\r\n\r\n::: note\r\nText.\r\n:::\r\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->meta.title == "T");
    const auto* h = block_as<Heading>(*r, 0);
    REQUIRE(h != nullptr);
    CHECK(h->id == "x");
    CHECK(plain_text(h->spans) == "Hi");
    const auto* div = block_as<Div>(*r, 1);
    REQUIRE(div != nullptr);
    CHECK(div->kind == "note");
}

TEST_CASE("columns count characters, not bytes") {
    auto r = parse(front + "Caf\xC3\xA9 \xE2\x80\x94 {{x\n");
    const Diagnostic* d = test::find_diag(r.diagnostics, "not closed");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "4:8");
}

TEST_CASE("::: inside a fenced code block is code, not a div fence") {
    auto r = parse(front + "```\n:::\n::: caveet\n```\n\nAfter.\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* code = block_as<Paragraph>(*r, 0);
    REQUIRE(code != nullptr);
    CHECK(code->code);
    CHECK(plain_text(code->spans) == ":::\n::: caveet");
}

TEST_CASE("divs nest") {
    auto r = parse(front + "::: note\nOuter.\n\n::: caveat {#in}\nInner.\n:::\n\nOuter again.\n:::\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const auto* outer = block_as<Div>(*r, 0);
    REQUIRE(outer != nullptr);
    REQUIRE(r->blocks.size() == 1);
    auto inner = all_of<Div>(outer->blocks);
    REQUIRE(inner.size() == 1);
    CHECK(inner[0]->id == "in");
    CHECK(all_of<Paragraph>(outer->blocks).size() == 2);
}

TEST_CASE("a document without a title is an error") {
    auto r = parse("Just text.\n");
    CHECK_FALSE(r.ok());
    CHECK(test::find_diag(r.diagnostics, "no title") != nullptr);
}

TEST_CASE("the shipped content files parse without diagnostics") {
    for (std::string path : {"content/ketamine-infusion.md", "content/ketamine-consent.md"}) {
        CAPTURE(path);
        std::string text = test::read_file(path);
        REQUIRE_FALSE(text.empty());
        auto r = parse_content(test::source(text, path));
        CHECK_MESSAGE(r.diagnostics.empty(), test::describe(r.diagnostics));
        CHECK_FALSE(r->meta.title.empty());
    }
}

}  // TEST_SUITE
