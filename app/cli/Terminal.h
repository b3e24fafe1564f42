#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace seam::cli {

/// Ctrl-C / SIGTERM during long work: the first signal sets the flag (work stops at the next batch
/// and what was committed stays); a second one terminates at once.
class InterruptGuard
{
public:
    InterruptGuard();
    ~InterruptGuard();
    static const std::atomic<bool>* flag();
    static bool interrupted();
};

/// A one-line progress display on stderr, only when stderr is a terminal (never in pipes or logs).
class ProgressLine
{
public:
    explicit ProgressLine(std::string label);
    ~ProgressLine();
    void update(std::uint64_t done, std::uint64_t total, const std::string& unit = "bytes");
    void finish();
    static bool enabled();

private:
    std::string m_label;
    bool m_enabled;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace seam::cli
