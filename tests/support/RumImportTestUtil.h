#pragma once

// Shared helpers of the Datadog RUM and Faro import tests: import into a temp cache, read rows back.

#include "ImportReport.h"
#include "ImportRunner.h"
#include "ImportFormats.h"
#include "ImportTestUtil.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QString>
#include <QStringList>

namespace seam::rumtest {

using importtest::importIntoCache;
using importtest::rejects;
using importtest::rows;

inline ImportReport importBytes(const std::string& bytes, std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    return importSource(*in, sink, nullptr, std::move(format));
}

} // namespace seam::rumtest
