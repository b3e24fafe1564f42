#pragma once

#include <cstdint>
#include <string>

namespace seam {

class Database;

/// How well the inferred links of a demo cache match its ground truth: the calls generated with their
/// trace context stripped (`seam demo --strip-propagation F`) against the links with method
/// "inferred". What `seam demo` prints and tst_linkinference asserts.
struct InferredLinkScore
{
    std::uint64_t stripped = 0; ///< calls without propagation (the truth)
    std::uint64_t inferred = 0; ///< links with method "inferred"
    std::uint64_t correct = 0;  ///< inferred links to the call's real backend trace

    double precision() const { return inferred ? double(correct) / double(inferred) : 1.0; }
    double recall() const { return stripped ? double(correct) / double(stripped) : 1.0; }
};

/// `truthJson` is DemoGenerator::groundTruthJson() (also in meta.demo_ground_truth).
InferredLinkScore scoreInferredLinks(Database& db, const std::string& truthJson);

} // namespace seam
