#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

namespace seam {

/// Wall time per named stage, accumulated over a run: a poor man's profile that works where perf
/// does not and names stages rather than symbols.
class StageProfile
{
public:
    void add(const char* stage, double seconds) { m_seconds[stage] += seconds; }
    void print(std::FILE* out) const
    {
        double total = 0;
        for (const auto& [_, s] : m_seconds)
            total += s;
        std::fprintf(out, "writer stages (%.2f s):\n", total);
        for (const auto& [name, s] : m_seconds)
            std::fprintf(out, "  %-22s %7.2f s  %5.1f%%\n", name.c_str(), s,
                         total > 0 ? 100 * s / total : 0.0);
    }

private:
    std::map<std::string, double> m_seconds;
};

/// Measures consecutive laps into a profile; does nothing when the profile is null.
class StageTimer
{
public:
    explicit StageTimer(const std::unique_ptr<StageProfile>& profile)
        : m_profile(profile.get()), m_last(std::chrono::steady_clock::now())
    {}
    void lap(const char* stage)
    {
        if (!m_profile)
            return;
        const auto now = std::chrono::steady_clock::now();
        m_profile->add(stage, std::chrono::duration<double>(now - m_last).count());
        m_last = now;
    }

private:
    StageProfile* m_profile;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace seam
