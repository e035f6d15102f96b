#include "render/pdf/cff_charset.hpp"

#include <map>

namespace handout::pdf {

namespace {

/// Bounds-checked big-endian reads over the table.
struct Reader {
    std::string_view d;
    bool ok = true;
    std::uint32_t u(std::size_t at, int n) {
        if (at + static_cast<std::size_t>(n) > d.size()) {
            ok = false;
            return 0;
        }
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i) {
            v = (v << 8) | static_cast<unsigned char>(d[at + static_cast<std::size_t>(i)]);
        }
        return v;
    }
};

/// An INDEX at `at`: its item count, the bounds of item 0, and where the INDEX ends.
struct Index {
    std::uint32_t count = 0;
    std::size_t first_begin = 0, first_end = 0, end = 0;
};

Index read_index(Reader& r, std::size_t at) {
    Index ix;
    ix.count = r.u(at, 2);
    if (ix.count == 0) {
        ix.end = at + 2;
        return ix;
    }
    int off_size = static_cast<int>(r.u(at + 2, 1));
    if (off_size < 1 || off_size > 4) {
        r.ok = false;
        return ix;
    }
    std::size_t offsets = at + 3;
    std::size_t data = offsets + (ix.count + 1) * static_cast<std::size_t>(off_size) - 1;  // offsets are 1-based
    ix.first_begin = data + r.u(offsets, off_size);
    ix.first_end = data + r.u(offsets + static_cast<std::size_t>(off_size), off_size);
    ix.end = data + r.u(offsets + ix.count * static_cast<std::size_t>(off_size), off_size);
    return ix;
}

/// A DICT's operators with their last integer operand (enough for offsets); escaped operators as 1200 + b1.
std::map<int, long> read_dict(Reader& r, std::size_t begin, std::size_t end) {
    std::map<int, long> ops;
    long last = 0;
    std::size_t p = begin;
    while (r.ok && p < end) {
        auto b0 = static_cast<int>(r.u(p, 1));
        if (b0 <= 21) {
            int op = b0;
            ++p;
            if (b0 == 12) {
                op = 1200 + static_cast<int>(r.u(p, 1));
                ++p;
            }
            ops[op] = last;
        } else if (b0 == 28) {
            last = static_cast<std::int16_t>(r.u(p + 1, 2));
            p += 3;
        } else if (b0 == 29) {
            last = static_cast<std::int32_t>(r.u(p + 1, 4));
            p += 5;
        } else if (b0 == 30) {  // a real: skip its nibbles
            ++p;
            while (r.ok && p < end) {
                auto b = r.u(p++, 1);
                if ((b & 0x0F) == 0x0F || (b >> 4) == 0x0F) {
                    break;
                }
            }
        } else if (b0 >= 32 && b0 <= 246) {
            last = b0 - 139;
            ++p;
        } else if (b0 >= 247 && b0 <= 250) {
            last = (b0 - 247) * 256 + static_cast<long>(r.u(p + 1, 1)) + 108;
            p += 2;
        } else if (b0 >= 251 && b0 <= 254) {
            last = -(b0 - 251) * 256 - static_cast<long>(r.u(p + 1, 1)) - 108;
            p += 2;
        } else {
            r.ok = false;
        }
    }
    return ops;
}

}  // namespace

std::optional<std::vector<std::uint32_t>> cff_cids(std::string_view cff) {
    Reader r{cff};
    std::size_t header_size = r.u(2, 1);
    Index names = read_index(r, header_size);
    Index top = read_index(r, names.end);
    if (!r.ok || top.count == 0) {
        return std::nullopt;
    }
    std::map<int, long> dict = read_dict(r, top.first_begin, top.first_end);
    if (!r.ok || dict.count(1230) == 0 || dict.count(15) == 0 || dict.count(17) == 0) {
        return std::nullopt;  // no ROS: name-keyed
    }
    Index charstrings = read_index(r, static_cast<std::size_t>(dict[17]));
    std::uint32_t glyphs = charstrings.count;
    std::vector<std::uint32_t> cids(glyphs, 0);
    auto at = static_cast<std::size_t>(dict[15]);
    std::uint32_t format = r.u(at, 1);
    ++at;
    std::uint32_t gid = 1;
    if (format == 0) {
        for (; gid < glyphs && r.ok; ++gid, at += 2) {
            cids[gid] = r.u(at, 2);
        }
    } else if (format == 1 || format == 2) {
        int left_size = format == 1 ? 1 : 2;
        while (gid < glyphs && r.ok) {
            std::uint32_t first = r.u(at, 2);
            std::uint32_t left = r.u(at + 2, left_size);
            at += 2 + static_cast<std::size_t>(left_size);
            for (std::uint32_t k = 0; k <= left && gid < glyphs; ++k) {
                cids[gid++] = first + k;
            }
        }
    } else {
        return std::nullopt;
    }
    if (!r.ok) {
        return std::nullopt;
    }
    return cids;
}

}  // namespace handout::pdf
