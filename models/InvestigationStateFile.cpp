#include "InvestigationStateFile.h"

#include "StateTable.h"
#include "Store.h"

namespace seam {

std::optional<InvestigationState> loadInvestigationState(const QString& cachePath)
{
    try {
        Database db = store::openForReading(cachePath.toStdString());
        return InvestigationState::fromKeyValues(store::readInvestigationState(db));
    } catch (const SqliteError&) {
        return std::nullopt; // the views report an unreadable cache themselves
    }
}

QString saveInvestigationState(const QString& cachePath, const InvestigationState& state)
{
    try {
        Database db = store::openForWriting(cachePath.toStdString());
        store::writeInvestigationState(db, state.toKeyValues());
        return {};
    } catch (const SqliteError& e) {
        return QString::fromUtf8(e.what());
    }
}

} // namespace seam
