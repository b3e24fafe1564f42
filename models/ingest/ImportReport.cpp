#include "ImportReport.h"

namespace seam {

void ImportReport::addRejected(std::string location, std::string message, std::uint64_t count)
{
    m_rejected += count;
    if (m_samples.size() < kMaxSamples)
        m_samples.push_back({std::move(location), std::move(message), count});
}

void ImportReport::setFatal(std::string location, std::string message)
{
    m_fatalLocation = std::move(location);
    m_fatalMessage = std::move(message);
}

void ImportReport::addWarning(std::string location, std::string message, std::uint64_t count)
{
    if (count == 0)
        return;
    if (m_warnings == 0) {
        m_firstWarningLocation = std::move(location);
        m_firstWarningMessage = std::move(message);
    }
    m_warnings += count;
}

} // namespace seam
