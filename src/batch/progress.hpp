// batch: progress on stderr — done/total, rate, ETA and failures; in place on a terminal,
// a plain line every few seconds otherwise, nothing with --quiet. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace handout {

class ProgressMeter {
public:
    enum class Mode { automatic, quiet, lines };
    ProgressMeter(std::size_t total, Mode mode);
    ~ProgressMeter();
    ProgressMeter(const ProgressMeter&) = delete;
    ProgressMeter& operator=(const ProgressMeter&) = delete;

    /// Called by workers; `status` is ok, skipped or failed.
    void record_done(const std::string& status);
    /// Stops the display and prints the summary line.
    void finish();

private:
    std::string line(bool final) const;
    void loop();
    std::size_t m_total;
    bool m_tty = false;
    bool m_quiet = false;
    std::atomic<std::size_t> m_done{0}, m_failed{0}, m_skipped{0};
    std::chrono::steady_clock::time_point m_start;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace handout
