#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step v15 (issue 15): `attribute_keys.owner`, what a shared string was shared under: the key's
/// id for a value (0 for an array element), the shape of the keys for a whole attribute set; NULL for
/// keys, scope names, presets and rows written before v15. The dictionary's budgets (2,048 shared values
/// per key, 256 sets per shape) are counted from it when a cache is opened again: before, each process
/// started them at zero, and every re-import of a file with high-cardinality values shared another
/// 2,048 of them per key. ALTER TABLE ADD COLUMN (no rewrite); guarded. Called inside migrate()'s
/// transaction.
void addAttributeKeyOwners(Database& db);

} // namespace schema
} // namespace seam
