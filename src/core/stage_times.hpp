// core: where a batch's time goes, by stage — switched on by HANDOUT_TIMINGS=1, summed over
// all threads, printed by `handout batch` at its end (bench/ reads it).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace handout {

/// `count` times nothing.
enum class Stage { typeset, pdf_fonts, pdf_content, pdf_structure, pdf_write, cairo, haru, protect, message, write_file, count };

/// Whether HANDOUT_TIMINGS is set (read once).
bool stage_times_on();

void add_stage_time(Stage s, std::chrono::steady_clock::duration d);

/// The totals so far, in nanoseconds per stage, as one line ("12 0 345 …"): what a child
/// process sends its parent when it is done.
std::string stage_totals();

/// Adds a child's stage_totals() line to this process's.
void add_stage_totals(const std::string& line);

/// "typeset 0.81 ms, pdf fonts 0.40 ms, …" per document.
std::string stage_report(std::size_t documents);

/// Times the scope it lives in when timings are on.
class StageTimer {
public:
    explicit StageTimer(Stage s) : m_stage(s), m_running(stage_times_on()) {
        if (m_running) {
            m_start = std::chrono::steady_clock::now();
        }
    }
    ~StageTimer() { stop(); }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;
    void stop() {
        if (m_running) {
            add_stage_time(m_stage, std::chrono::steady_clock::now() - m_start);
            m_running = false;
        }
    }

private:
    Stage m_stage;
    bool m_running;
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace handout
