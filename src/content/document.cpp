#include "content/document.hpp"

#include <algorithm>

namespace handout {

namespace {

void add(std::vector<std::string>& out, std::string_view name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) {
        out.emplace_back(name);
    }
}

void collect(const Spans& spans, std::vector<std::string>& out) {
    for (const auto& s : spans) {
        if (s.kind == Span::Kind::variable) {
            add(out, s.text);
        }
        // Variables in a link target: `[call us](tel:{{clinic.phone}})`.
        std::size_t open = s.link.find("{{");
        while (open != std::string::npos) {
            std::size_t close = s.link.find("}}", open + 2);
            if (close == std::string::npos) {
                break;
            }
            std::string_view name(s.link.data() + open + 2, close - open - 2);
            while (!name.empty() && name.front() == ' ') {
                name.remove_prefix(1);
            }
            while (!name.empty() && name.back() == ' ') {
                name.remove_suffix(1);
            }
            add(out, name);
            open = s.link.find("{{", close + 2);
        }
    }
}

/// One walk for both constnesses, in reading order. An explicit stack instead of recursion: a
/// Document built by hand may nest deeper than the parser allows.
template <typename B, typename F>
void walk(B& top, const F& fn) {
    struct Frame {
        B* blocks;
        std::size_t next;
    };
    std::vector<Frame> stack{{&top, 0}};
    while (!stack.empty()) {
        Frame& frame = stack.back();
        if (frame.next == frame.blocks->size()) {
            stack.pop_back();
            continue;
        }
        auto& block = (*frame.blocks)[frame.next++];
        // `frame` is not used past here: pushing may move it.
        std::visit(
            [&](auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, Paragraph>) {
                    fn(x.spans, false);
                } else if constexpr (std::is_same_v<T, Heading>) {
                    fn(x.spans, true);
                } else if constexpr (std::is_same_v<T, List>) {
                    // Last item pushed first, so the first is walked first.
                    for (std::size_t i = x.items.size(); i-- > 0;) {
                        stack.push_back(Frame{&x.items[i].blocks, 0});
                    }
                } else if constexpr (std::is_same_v<T, Table>) {
                    for (auto& row : x.rows) {
                        for (auto& cell : row) {
                            fn(cell, false);
                        }
                    }
                } else if constexpr (std::is_same_v<T, Div>) {
                    stack.push_back(Frame{&x.blocks, 0});
                } else {
                    static_assert(std::is_same_v<T, Image> || std::is_same_v<T, ThematicBreak>, "a new block kind: walk it");
                }
            },
            block.v);
    }
}

}  // namespace

void for_each_spans(const Blocks& blocks, const std::function<void(const Spans&, bool)>& fn) {
    walk(blocks, fn);
}

void for_each_spans(Blocks& blocks, const std::function<void(Spans&, bool)>& fn) {
    walk(blocks, fn);
}

std::vector<std::string> variables_used(const Document& doc) {
    std::vector<std::string> out;
    for_each_spans(doc.blocks, [&](const Spans& spans, bool) { collect(spans, out); });
    return out;
}

std::string plain_text(const Spans& spans) {
    std::string out;
    for (const auto& s : spans) {
        switch (s.kind) {
            case Span::Kind::text: out += s.text; break;
            case Span::Kind::variable: out += "{{" + s.text + "}}"; break;
            case Span::Kind::line_break: out += '\n'; break;
        }
    }
    return out;
}

}  // namespace handout
