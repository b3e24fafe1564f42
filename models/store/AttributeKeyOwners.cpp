#include "AttributeKeyOwners.h"

#include "Sqlite.h"

namespace seam::schema {

void addAttributeKeyOwners(Database& db)
{
    if (db.queryInt("SELECT count(*) FROM pragma_table_info('attribute_keys') WHERE name = 'owner'") == 0)
        db.exec("ALTER TABLE attribute_keys ADD COLUMN owner INTEGER");
}

} // namespace seam::schema
