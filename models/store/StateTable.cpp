#include "StateTable.h"

#include "Schema.h"
#include "Sqlite.h"

#include <chrono>

namespace seam::store {

std::map<std::string, std::string> readInvestigationState(Database& db)
{
    std::map<std::string, std::string> values;
    if (schema::schemaVersion(db) < 2)
        return values;
    Statement st = db.prepare("SELECT key, value FROM investigation_state");
    while (st.step())
        values.emplace(st.text(0), st.text(1));
    return values;
}

void writeInvestigationState(Database& db, const std::map<std::string, std::string>& values)
{
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    Transaction tx(db);
    db.exec("DELETE FROM investigation_state");
    Statement st = db.prepare("INSERT INTO investigation_state(key, value, updated_ns) VALUES (?, ?, ?)");
    for (const auto& [key, value] : values) {
        st.bindText(1, key).bindText(2, value).bind(3, std::int64_t(now));
        st.run();
    }
    tx.commit();
}

} // namespace seam::store
