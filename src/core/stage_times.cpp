#include "core/stage_times.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace handout {

namespace {

std::array<std::atomic<long long>, static_cast<std::size_t>(Stage::count)> g_ns{};

const char* name(Stage s) {
    switch (s) {
        case Stage::typeset: return "typeset";
        case Stage::pdf_fonts: return "pdf fonts (hb-subset, deflate)";
        case Stage::pdf_content: return "pdf content streams";
        case Stage::pdf_structure: return "pdf structure tree and catalog (qpdf objects)";
        case Stage::pdf_write: return "pdf writing (qpdf unparse, object stream, xref)";
        case Stage::cairo: return "cairo pdf";
        case Stage::haru: return "haru pdf";
        case Stage::protect: return "protect (qpdf: parse, AES-256 write)";
        case Stage::message: return "message (GMime)";
        case Stage::write_file: return "file write";
        case Stage::count: break;
    }
    return "?";
}

}  // namespace

bool stage_times_on() {
    static const bool on = [] {
        const char* v = std::getenv("HANDOUT_TIMINGS");
        return v != nullptr && *v != '\0' && *v != '0';
    }();
    return on;
}

void add_stage_time(Stage s, std::chrono::steady_clock::duration d) {
    if (s == Stage::count) {
        return;
    }
    g_ns[static_cast<std::size_t>(s)] += std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

std::string stage_totals() {
    std::string out;
    for (const auto& ns : g_ns) {
        out += (out.empty() ? "" : " ") + std::to_string(ns.load());
    }
    return out;
}

void add_stage_totals(const std::string& line) {
    const char* at = line.c_str();
    for (auto& ns : g_ns) {
        char* end = nullptr;
        const long long v = std::strtoll(at, &end, 10);
        if (end == at) {
            return;
        }
        ns += v;
        at = end;
    }
}

std::string stage_report(std::size_t documents) {
    std::string out;
    double n = documents == 0 ? 1.0 : static_cast<double>(documents);
    for (std::size_t i = 0; i < g_ns.size(); ++i) {
        long long ns = g_ns[i].load();
        if (ns == 0) {
            continue;
        }
        char buf[128];
        std::snprintf(buf, sizeof buf, "%s%s %.2f ms", out.empty() ? "" : ", ", name(static_cast<Stage>(i)), static_cast<double>(ns) / 1e6 / n);
        out += buf;
    }
    return out + " per document";
}

}  // namespace handout
