#pragma once

#include <QString>

// Where the tests find the seam binary, their data and the shared fixtures. The paths are compiled
// into one source that CMake generates (build/<preset>/tests/TestPaths.cpp) instead of being passed
// as compile definitions: an absolute path in a definition is part of every test object's ccache key,
// so a fresh clone in another folder (CI's) compiled all the tests again.
namespace seam::test {

/// The `seam` command-line binary of this build.
QString seamBinary();
/// tests/data of the checkout.
QString dataDir();
/// ../shared/fixtures/public beside the checkout (public sample files; absent outside the dev machine).
QString publicFixturesDir();
/// The ClickHouse HTTP front the remote tests run chdb behind (tests/importers/remote/clickhouse).
QString clickhouseFrontDir();
/// Where the remote tests install chdb (build/remote-node/clickhouse, shared by the presets).
QString remoteNodeDir();

} // namespace seam::test
