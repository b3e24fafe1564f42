#pragma once

// CPU time of this process's threads, by thread name (Linux: /proc/self/task). On a shared, noisy
// machine wall-clock rates swing by 2x between runs; the CPU each thread spent says where the work is,
// and a difference of two snapshots gives one phase's share.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>

#ifdef __linux__
#include <dirent.h>
#endif

namespace seam::bench {

struct ThreadTime
{
    std::string name;
    double cpu = 0;  // seconds on a CPU (user + system)
    double wait = 0; // seconds runnable but waiting for a CPU (the machine's other work, our threads)
};

struct ThreadTimes
{
    std::map<long, ThreadTime> byTid;
};

/// The CPU seconds of every live thread of this process.
inline ThreadTimes threadTimes()
{
    ThreadTimes t;
#ifdef __linux__
    DIR* dir = opendir("/proc/self/task");
    if (!dir)
        return t;
    while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] == '.')
            continue;
        std::ifstream in(std::string("/proc/self/task/") + e->d_name + "/stat");
        std::string line;
        std::getline(in, line);
        // "tid (comm) state ..." : comm may hold spaces, so split at the last ')'.
        const auto open = line.find('('), close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos)
            continue;
        // schedstat: nanoseconds on a CPU, nanoseconds waiting on a run queue, time slices.
        std::ifstream sched(std::string("/proc/self/task/") + e->d_name + "/schedstat");
        unsigned long long run = 0, wait = 0;
        sched >> run >> wait;
        t.byTid[std::atol(e->d_name)] = {line.substr(open + 1, close - open - 1), double(run) / 1e9,
                                         double(wait) / 1e9};
    }
    closedir(dir);
#endif
    return t;
}

/// CPU (and run-queue wait) seconds per thread name between two snapshots (same names summed).
inline std::map<std::string, ThreadTime> cpuByName(const ThreadTimes& before, const ThreadTimes& after)
{
    std::map<std::string, ThreadTime> out;
    for (const auto& [tid, t] : after.byTid) {
        const auto it = before.byTid.find(tid);
        ThreadTime& sum = out[t.name];
        sum.cpu += t.cpu - (it == before.byTid.end() ? 0.0 : it->second.cpu);
        sum.wait += t.wait - (it == before.byTid.end() ? 0.0 : it->second.wait);
    }
    return out;
}

/// Bytes this process has written (to files, sockets, pipes) so far: /proc/self/io wchar.
inline std::uint64_t bytesWritten()
{
    std::ifstream in("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (in >> key >> value)
        if (key == "wchar:")
            return value;
    return 0;
}

/// One line: the phase's CPU in all, per span, then per thread name "cpu (+ run-queue wait)".
inline void printCpu(const char* phase, const std::map<std::string, ThreadTime>& cpu, double wallSeconds,
                     std::uint64_t items)
{
    double total = 0;
    for (const auto& [_, t] : cpu)
        total += t.cpu;
    std::printf("  %s CPU: %.2f s in %.2f s (%.1f us per span); by thread, CPU (+ waiting for one):", phase,
                total, wallSeconds, items ? 1e6 * total / double(items) : 0.0);
    for (const auto& [name, t] : cpu)
        if (t.cpu >= 0.005)
            std::printf(" %s %.2f (+%.2f);", name.c_str(), t.cpu, t.wait);
    std::printf("\n");
}

} // namespace seam::bench
