#include "ActionValues.h"

#include "Sqlite.h"

namespace seam::schema {

void addActionValues(Database& db)
{
    db.exec(R"sql(
CREATE TABLE IF NOT EXISTS action_values (
    action_id INTEGER NOT NULL, -- actions.id
    key       TEXT NOT NULL,    -- dotted path, e.g. order.value
    value     REAL NOT NULL,
    PRIMARY KEY (action_id, key)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS action_values_gone AFTER DELETE ON actions BEGIN
    DELETE FROM action_values WHERE action_id = old.id;
END;
)sql");
}

} // namespace seam::schema
