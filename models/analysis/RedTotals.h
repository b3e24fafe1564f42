#pragma once

#include "LatencyHistogram.h"

#include <cstdint>
#include <string_view>

namespace seam {

/// Requests, errors and the latency distribution (the RED figures) of entry spans, summed over rollup
/// rows: one step of a series, one part of a window, a service's whole window. The service series of
/// `seam services` and the GUI's service-rate charts both add rollups up with this.
struct RedTotals
{
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    LatencyHistogram latency;

    /// One rollup row: its counts and its encoded histogram (rollups.histogram).
    void add(std::int64_t rowRequests, std::int64_t rowErrors, std::string_view encodedHistogram)
    {
        requests += rowRequests;
        errors += rowErrors;
        latency.mergeEncoded(encodedHistogram);
    }
    void add(const RedTotals& other)
    {
        requests += other.requests;
        errors += other.errors;
        latency.merge(other.latency);
    }
    /// errors / requests, 0..1; 0 without requests.
    double errorRate() const { return requests ? double(errors) / double(requests) : 0.0; }
};

} // namespace seam
