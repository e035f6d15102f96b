#include "render/pdf/pdf_writer.hpp"

#include "core/glib_ptr.hpp"
#include "render/pdf/pdf_syntax.hpp"

#include <glib.h>
#include <qpdf/Buffer.hh>

#include <algorithm>
#include <map>
#include <vector>

namespace handout::pdf {

namespace {

/// Every indirect object reachable from `start`, by object number.
void reach(QPDFObjectHandle h, std::map<int, QPDFObjectHandle>& found) {
    if (h.isIndirect()) {
        int id = h.getObjectID();
        if (found.count(id) != 0) {
            return;
        }
        found.emplace(id, h);
    }
    if (h.isStream()) {
        reach(h.getDict(), found);
    } else if (h.isDictionary()) {
        for (auto& [key, value] : h.ditems()) {
            reach(value, found);
        }
    } else if (h.isArray()) {
        for (auto item : h.aitems()) {
            reach(item, found);
        }
    }
}

/// qpdf's unparsed syntax without the spaces it puts inside << >> and [ ], strings untouched.
std::string compact(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == '(') {  // a literal string, with nesting and escapes
            int depth = 0;
            do {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    out += s[i++];
                } else if (s[i] == '(') {
                    ++depth;
                } else if (s[i] == ')') {
                    --depth;
                }
                out += s[i++];
            } while (i < s.size() && depth > 0);
            continue;
        }
        if (c == '<' && i + 1 < s.size() && s[i + 1] == '<') {  // a dictionary opens
            out += "<<";
            i += 2;
            continue;
        }
        if (c == '<') {  // a hex string
            while (i < s.size() && s[i] != '>') {
                out += s[i++];
            }
            if (i < s.size()) {
                out += s[i++];
            }
            continue;
        }
        if (c == ' ') {
            // A space is needed only between two tokens that would otherwise run together.
            char prev = out.empty() ? '[' : out.back();
            char next = i + 1 < s.size() ? s[i + 1] : ']';
            auto closes = [](char ch) { return ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '(' || ch == ')'; };
            if (closes(prev) || closes(next) || next == '/') {
                ++i;
                continue;
            }
        }
        out += c;
        ++i;
    }
    return out;
}

void put_be(std::string& out, unsigned long long v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        out += static_cast<char>((v >> (8 * i)) & 0xFF);
    }
}

}  // namespace

std::string write_pdf(QPDF& pdf, QPDFObjectHandle root, QPDFObjectHandle info) {
    (void)pdf;
    std::map<int, QPDFObjectHandle> objects;
    reach(root, objects);
    reach(info, objects);
    int max_id = objects.empty() ? 0 : objects.rbegin()->first;
    const int objstm_id = max_id + 1;
    const int xref_id = max_id + 2;

    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    struct Entry {
        int type = 0;                ///< 0 free, 1 in the file, 2 in the object stream
        unsigned long long a = 0;    ///< offset, or the object stream's number
        unsigned b = 0;              ///< index in the object stream
    };
    std::vector<Entry> xref(static_cast<std::size_t>(xref_id) + 1);

    // Non-stream objects: one object stream.
    std::string index, body;
    unsigned n = 0;
    for (auto& [id, h] : objects) {
        if (h.isStream()) {
            continue;
        }
        index += std::to_string(id) + " " + std::to_string(body.size()) + " ";
        body += compact(h.unparseResolved());  // the value itself; references inside stay references
        body += '\n';
        xref[static_cast<std::size_t>(id)] = {2, static_cast<unsigned long long>(objstm_id), n++};
    }
    // Streams: their dictionaries with the data's length.
    for (auto& [id, h] : objects) {
        if (!h.isStream()) {
            continue;
        }
        std::shared_ptr<Buffer> raw = h.getRawStreamData();
        std::string data(reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize());
        QPDFObjectHandle dict = h.getDict().shallowCopy();
        if (!dict.hasKey("/Filter")) {  // e.g. a picture's form from Cairo
            data = deflated(data);
            dict.replaceKey("/Filter", QPDFObjectHandle::newName("/FlateDecode"));
        }
        dict.replaceKey("/Length", QPDFObjectHandle::newInteger(static_cast<long long>(data.size())));
        xref[static_cast<std::size_t>(id)] = {1, out.size(), 0};
        out += std::to_string(id) + " 0 obj\n" + compact(dict.unparse()) + "\nstream\n" + data;
        out += "\nendstream\nendobj\n";
    }
    std::string z = deflated(index + body, 6);  // numbers and names: level 9 gains nothing here
    xref[static_cast<std::size_t>(objstm_id)] = {1, out.size(), 0};
    out += std::to_string(objstm_id) + " 0 obj\n<</Type /ObjStm /N " + std::to_string(n) + " /First " +
           std::to_string(index.size()) + " /Filter /FlateDecode /Length " + std::to_string(z.size()) + ">>\nstream\n" + z +
           "\nendstream\nendobj\n";

    // The file ID: MD5 of everything so far (the same bytes give the same ID).
    GCharPtr md5(g_compute_checksum_for_data(G_CHECKSUM_MD5, reinterpret_cast<const guchar*>(out.data()), out.size()));
    std::string id = md5.get();

    xref[static_cast<std::size_t>(xref_id)] = {1, out.size(), 0};
    std::string rows;
    for (const Entry& e : xref) {
        put_be(rows, static_cast<unsigned long long>(e.type), 1);
        put_be(rows, e.type == 0 ? 0 : e.a, 4);
        put_be(rows, e.type == 0 ? (&e == &xref.front() ? 65535U : 0U) : e.b, 2);
    }
    std::string zx = deflated(rows);
    std::size_t startxref = out.size();
    out += std::to_string(xref_id) + " 0 obj\n<</Type /XRef /Size " + std::to_string(xref.size()) + " /W [1 4 2] /Root " +
           std::to_string(root.getObjectID()) + " 0 R /Info " + std::to_string(info.getObjectID()) + " 0 R /ID [<" + id + "> <" +
           id + ">] /Filter /FlateDecode /Length " + std::to_string(zx.size()) + ">>\nstream\n" + zx + "\nendstream\nendobj\n";
    out += "startxref\n" + std::to_string(startxref) + "\n%%EOF\n";
    return out;
}

}  // namespace handout::pdf
