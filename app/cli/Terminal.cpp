#include "Terminal.h"

#include "Format.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace seam::cli {
namespace {

std::atomic<bool> g_interrupted{false};
struct sigaction g_oldInt, g_oldTerm;

void onSignal(int sig)
{
    if (g_interrupted.exchange(true)) {
        // Second signal: the user means it.
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

std::string humanBytes(double bytes)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return buf;
}

} // namespace

InterruptGuard::InterruptGuard()
{
    g_interrupted = false;
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &g_oldInt);
    sigaction(SIGTERM, &sa, &g_oldTerm);
}

InterruptGuard::~InterruptGuard()
{
    sigaction(SIGINT, &g_oldInt, nullptr);
    sigaction(SIGTERM, &g_oldTerm, nullptr);
}

const std::atomic<bool>* InterruptGuard::flag()
{
    return &g_interrupted;
}

bool InterruptGuard::interrupted()
{
    return g_interrupted.load();
}

bool ProgressLine::enabled()
{
    return isatty(STDERR_FILENO) == 1;
}

ProgressLine::ProgressLine(std::string label)
    : m_label(std::move(label)), m_enabled(enabled()), m_start(std::chrono::steady_clock::now()),
      m_last(m_start)
{}

ProgressLine::~ProgressLine()
{
    finish();
}

void ProgressLine::update(std::uint64_t done, std::uint64_t total, const std::string& unit)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_shown && now - m_last < std::chrono::milliseconds(200))
        return;
    m_last = now;
    m_shown = true;
    const double secs = std::chrono::duration<double>(now - m_start).count();
    const bool bytes = unit == "bytes";
    std::string line = "\r\033[K" + m_label + "  ";
    if (total > 0)
        line += formatPercent(double(done) / double(total)).toStdString() + "  ";
    line += bytes ? humanBytes(double(done)) : std::to_string(done) + " " + unit;
    if (secs > 0.5) {
        line += "  ";
        line += bytes ? humanBytes(double(done) / secs) + "/s"
                      : std::to_string(std::uint64_t(double(done) / secs)) + "/s";
    }
    line += "  (Ctrl-C stops, keeping what is committed)";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

void ProgressLine::finish()
{
    if (m_enabled && m_shown) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        m_shown = false;
    }
}

} // namespace seam::cli
