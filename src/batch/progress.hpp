// batch: progress on stderr — done/total, rate, ETA and failures; in place on a terminal,
// a plain line every few seconds otherwise, nothing with --quiet. Thread-safe.
#pragma once

#include "batch/report.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace handout {

/// automatic: in place on a terminal, else lines; quiet: nothing; lines: plain lines always.
enum class ProgressMode { automatic, quiet, lines };

class ProgressMeter {
public:
    ProgressMeter(std::size_t total, ProgressMode mode);
    ~ProgressMeter();
    ProgressMeter(const ProgressMeter&) = delete;
    ProgressMeter& operator=(const ProgressMeter&) = delete;

    /// Called by workers.
    void record_done(RecordStatus status);
    /// Stops the display and prints the summary line.
    void finish();

private:
    std::string line(bool final) const;
    void loop();
    std::size_t m_total;
    bool m_in_place = false;   ///< stderr is a terminal: the line is redrawn in place
    bool m_quiet = false;
    std::atomic<std::size_t> m_done{0}, m_failed{0}, m_skipped{0};
    std::chrono::steady_clock::time_point m_start;
    std::mutex m_mutex;
    std::condition_variable m_stop_signal;  ///< wakes the display thread when the run ends
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace handout
