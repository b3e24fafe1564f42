#include "PageLoadValues.h"

#include "Sqlite.h"

namespace seam::schema {

void addPageLoadValues(Database& db)
{
    db.exec(R"sql(
CREATE TABLE IF NOT EXISTS page_load_values (
    page_load_id INTEGER NOT NULL, -- page_loads.id
    key          TEXT NOT NULL,    -- dotted path, e.g. order.value
    value        REAL NOT NULL,
    PRIMARY KEY (page_load_id, key)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS page_load_values_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_values WHERE page_load_id = old.id;
END;
)sql");
}

} // namespace seam::schema
