#pragma once

// What the import benchmarks share: a phase run in a child process of its own, so that each phase's peak
// RSS is its own (a child inherits, and would count, the parent's pages otherwise).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace seam::bench {

struct PhaseResult
{
    double seconds = 0;
    std::uint64_t items = 0;
    std::uint64_t rejected = 0;
    long peakRssKb = 0;
    double cpuSeconds = 0; // CPU the phase's threads spent, where the phase measures it
};

inline double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// User and system CPU time of this process so far, every thread included.
inline double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Runs `phase` (returning a PhaseResult) in a child process; returns its result with the child's peak RSS.
template<typename Fn> PhaseResult inChild(Fn phase)
{
    int fds[2];
    if (pipe(fds) != 0)
        std::exit(2);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        PhaseResult r = phase();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        r.peakRssKb = usage.ru_maxrss;
        if (write(fds[1], &r, sizeof r) != ssize_t(sizeof r))
            _exit(3);
        _exit(0);
    }
    close(fds[1]);
    PhaseResult r;
    if (read(fds[0], &r, sizeof r) != ssize_t(sizeof r))
        std::fprintf(stderr, "phase failed\n");
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return r;
}

} // namespace seam::bench
