// batch: runs tasks in child processes, so that whatever one task does — a crash, a hang, memory
// running out, an abort inside a C library — ends that task alone: the parent notes why and goes
// on with a fresh child. Each child is forked from the parent (sharing what it read and parsed),
// serves tasks one at a time over a socket, and keeps its own state (a font system) between them.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace handout {

struct ChildLimits {
    std::chrono::seconds time{120};     ///< per task: past it the child is killed
    std::size_t memory_bytes = 0;       ///< the child's address space (RLIMIT_AS); 0: no limit
};

/// How a task ended in the parent's eyes: the child's reply, or why there is none.
struct TaskEnd {
    std::optional<std::string> reply;   ///< what serve() returned, when the child lived to say it
    std::string failure;                ///< else why: "stopped by signal 11 (SIGSEGV: a crash)", or
                                        ///< "took longer than 120 s (--record-time)"
    bool timed_out = false;             ///< the child was killed at the time limit
    double ms = 0;                      ///< wall time from dispatch to its end
};

class ChildPool {
public:
    /// Runs in a child, per task: returns the reply (one line, no newline characters).
    using Serve = std::function<std::string(std::size_t task)>;
    /// Runs in a child when it has served its last task (stdin closed): a last line for the
    /// parent (e.g. its timings), or empty.
    using Farewell = std::function<std::string()>;
    /// Runs in the parent as each task ends, in the order they end.
    using Done = std::function<void(std::size_t task, const TaskEnd& end)>;
    /// Runs in the parent for each child's farewell line.
    using Heard = std::function<void(const std::string& farewell)>;
    /// Runs in the parent at least every tick_period while tasks run (e.g. a progress line).
    using Tick = std::function<void()>;
    static constexpr std::chrono::milliseconds tick_period{200};

    ChildPool(std::size_t children, ChildLimits limits, Tick tick = {})
        : m_children(children == 0 ? 1 : children), m_limits(limits), m_tick(std::move(tick)) {}

    /// Serves every task, at most `children` at once. The calling process must have no other
    /// thread: a child forked while another thread holds a lock (stdio's, the allocator's —
    /// AddressSanitizer's allocator is not reset at fork) would wait for it forever. So whatever
    /// the parent does meanwhile is done by `tick`, from this thread.
    void run(const std::vector<std::size_t>& tasks, const Serve& serve, const Farewell& farewell, const Done& done,
             const Heard& heard);

private:
    std::size_t m_children;
    ChildLimits m_limits;
    Tick m_tick;
};

/// "stopped by signal 11 (SIGSEGV: a crash)", "exited with status 3": from a wait status.
std::string describe_wait_status(int status);

}  // namespace handout
