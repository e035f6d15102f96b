#include "batch/progress.hpp"

#include <cstdio>

#include <unistd.h>

namespace handout {

ProgressMeter::ProgressMeter(std::size_t total, ProgressMode mode)
    : m_total(total), m_start(std::chrono::steady_clock::now()), m_shown(m_start) {
    m_quiet = mode == ProgressMode::quiet;
    m_in_place = mode == ProgressMode::automatic && isatty(STDERR_FILENO) != 0;
}

ProgressMeter::~ProgressMeter() {
    finish();
}

void ProgressMeter::record_done(RecordStatus status) {
    switch (status) {
        case RecordStatus::failed: ++m_failed; break;
        case RecordStatus::skipped: ++m_skipped; break;
        case RecordStatus::ok: break;
    }
    ++m_done;
    tick();
}

std::string ProgressMeter::line(bool final) const {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::size_t done = m_done;
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    char buf[256];
    if (final) {
        std::snprintf(buf, sizeof buf, "handout: %zu records: %zu ok, %zu skipped, %zu failed in %.1f s (%.0f docs/s)",
                      done, done - m_failed - m_skipped, m_skipped, m_failed, secs, rate);
    } else {
        double eta = rate > 0 ? static_cast<double>(m_total - done) / rate : 0;
        std::snprintf(buf, sizeof buf, "handout: %zu/%zu done, %.0f docs/s, ETA %.0f s, %zu failed", done, m_total, rate,
                      eta, m_failed);
    }
    return buf;
}

void ProgressMeter::tick() {
    if (m_quiet || m_stop) {
        return;
    }
    const auto period = m_in_place ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    const auto now = std::chrono::steady_clock::now();
    if (now - m_shown < period) {
        return;
    }
    m_shown = now;
    std::string l = line(false);
    if (m_in_place) {
        std::fprintf(stderr, "\r%s\x1b[K", l.c_str());
    } else {
        std::fprintf(stderr, "%s\n", l.c_str());
    }
    std::fflush(stderr);
}

void ProgressMeter::finish() {
    if (m_stop) {
        return;
    }
    m_stop = true;
    if (!m_quiet) {
        std::fprintf(stderr, "%s%s\n", m_in_place ? "\r\x1b[K" : "", line(true).c_str());
    }
}

}  // namespace handout
