#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace seam {

/// What happened to one input (a file, a request body, a generated stream): how many records made it,
/// which were rejected, where and why. Bad input is data, not an abort: importers record a reject and
/// move on to the next record they can frame.
class ImportReport
{
public:
    struct Reject
    {
        std::string location; // "byte 1234", "line 17", "line 17, byte 80", "entry 12"
        std::string message;  // what was wrong, for a human
        std::uint64_t count = 1;
    };

    static constexpr std::size_t kMaxSamples = 200;

    /// An item read and mapped to records (counted once its records are handed to the batch).
    void addAccepted(std::uint64_t n = 1) { m_accepted += n; }
    void addRejected(std::string location, std::string message, std::uint64_t count = 1);
    /// The input could not be read further (unreadable file, unframeable bytes). What came before stays.
    void setFatal(std::string location, std::string message);
    /// Something in the input was mended rather than refused (e.g. an unpaired UTF-16 surrogate escape
    /// replaced by U+FFFD): nothing was lost, so it is not a reject, but the user should know. Counted,
    /// with the first one's location and message.
    void addWarning(std::string location, std::string message, std::uint64_t count = 1);

    /// Items that made it: those read, or fewer when writing them stopped (setCommitted()).
    std::uint64_t accepted() const { return m_committed < m_accepted ? m_committed : m_accepted; }
    /// Items read and mapped to records, whether or not they could be written.
    std::uint64_t read() const { return m_accepted; }
    /// Writing stopped (disk full, read-only, locked, ...): only `items` of those read are in the cache.
    void setCommitted(std::uint64_t items) { m_committed = items; }
    std::uint64_t rejected() const { return m_rejected; }
    bool hasFatal() const { return !m_fatalMessage.empty(); }
    const std::string& fatalLocation() const { return m_fatalLocation; }
    const std::string& fatalMessage() const { return m_fatalMessage; }
    /// The first kMaxSamples rejects, in input order.
    const std::vector<Reject>& samples() const { return m_samples; }
    /// Warnings do not make a report unclean: every record made it.
    bool clean() const { return m_rejected == 0 && !hasFatal(); }
    std::uint64_t warnings() const { return m_warnings; }
    const std::string& firstWarningLocation() const { return m_firstWarningLocation; }
    const std::string& firstWarningMessage() const { return m_firstWarningMessage; }

    std::string format; // detected format, e.g. "otlp-protobuf-traces", "otlp-json"
    /// Set when the input is not telemetry at all (a web manifest, a Datadog SDK's own `telemetry`
    /// event, a text file): why, in a few words. Nothing was read and nothing is wrong: clean() stays
    /// true, so a folder with such files beside its telemetry imports without a reject.
    std::string skipped;
    std::uint64_t bytesRead = 0;
    bool cancelled = false;

private:
    std::uint64_t m_accepted = 0;
    std::uint64_t m_committed = std::numeric_limits<std::uint64_t>::max(); // all read, unless setCommitted()
    std::uint64_t m_rejected = 0;
    std::vector<Reject> m_samples;
    std::string m_fatalLocation;
    std::string m_fatalMessage;
    std::uint64_t m_warnings = 0;
    std::string m_firstWarningLocation;
    std::string m_firstWarningMessage;
};

} // namespace seam
