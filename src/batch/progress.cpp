#include "batch/progress.hpp"

#include <cstdio>

#include <unistd.h>

namespace handout {

ProgressMeter::ProgressMeter(std::size_t total, ProgressMode mode)
    : m_total(total), m_start(std::chrono::steady_clock::now()) {
    m_quiet = mode == ProgressMode::quiet;
    m_in_place = mode == ProgressMode::automatic && isatty(STDERR_FILENO) != 0;
    if (!m_quiet) {
        m_thread = std::thread([this] { loop(); });
    }
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
}

std::string ProgressMeter::line(bool final) const {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::size_t done = m_done;
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    char buf[256];
    if (final) {
        std::snprintf(buf, sizeof buf, "handout: %zu records: %zu ok, %zu skipped, %zu failed in %.1f s (%.0f docs/s)",
                      done, done - m_failed - m_skipped, m_skipped.load(), m_failed.load(), secs, rate);
    } else {
        double eta = rate > 0 ? static_cast<double>(m_total - done) / rate : 0;
        std::snprintf(buf, sizeof buf, "handout: %zu/%zu done, %.0f docs/s, ETA %.0f s, %zu failed", done, m_total, rate,
                      eta, m_failed.load());
    }
    return buf;
}

void ProgressMeter::loop() {
    const auto period = m_in_place ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stop_signal.wait_for(lock, period, [this] { return m_stop; })) {
        std::string l = line(false);
        if (m_in_place) {
            std::fprintf(stderr, "\r%s\x1b[K", l.c_str());
        } else {
            std::fprintf(stderr, "%s\n", l.c_str());
        }
        std::fflush(stderr);
    }
}

void ProgressMeter::finish() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stop) {
            return;
        }
        m_stop = true;
    }
    m_stop_signal.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (!m_quiet) {
        std::fprintf(stderr, "%s%s\n", m_in_place ? "\r\x1b[K" : "", line(true).c_str());
    }
}

}  // namespace handout
