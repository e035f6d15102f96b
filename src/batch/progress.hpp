// batch: progress on stderr — done/total, rate, ETA and failures; in place on a terminal,
// a plain line every few seconds otherwise, nothing with --quiet. No thread of its own: the
// batch forks its record processes, so the caller ticks it (ChildPool's tick).
#pragma once

#include "batch/report.hpp"

#include <chrono>
#include <string>

namespace handout {

/// automatic: in place on a terminal, else lines; quiet: nothing; lines: plain lines always.
enum class ProgressMode { automatic, quiet, lines };

class ProgressMeter {
public:
    ProgressMeter(std::size_t total, ProgressMode mode);
    ~ProgressMeter();
    ProgressMeter(const ProgressMeter&) = delete;
    ProgressMeter& operator=(const ProgressMeter&) = delete;

    /// Counts a record, and shows the progress when it is due.
    void record_done(RecordStatus status);
    /// Shows the progress when it is due: every 200 ms in place, every 5 s as lines.
    void tick();
    /// Stops the display and prints the summary line.
    void finish();

private:
    std::string line(bool final) const;
    std::size_t m_total;
    bool m_in_place = false;   ///< stderr is a terminal: the line is redrawn in place
    bool m_quiet = false;
    std::size_t m_done = 0, m_failed = 0, m_skipped = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_shown;  ///< when the line was last shown
    bool m_stop = false;
};

}  // namespace handout
