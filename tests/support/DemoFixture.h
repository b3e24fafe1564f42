#pragma once
// The `seam demo` investigations that CTest writes once per run for the tests that read them (fixtures
// demo_<name>, tests/app/demofixtures.cmake): two tests that read the same demo no longer generate it
// twice. Each test copies the file; none shares a writable one. Outside namespace seam: the CLI tests
// call their own helper seam().

#include "TestPaths.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QString>

/// Copies the fixture demo `name` (and its ground truth) to `to` and `to`.truth.json. False when there
/// is none to trust: not written (a test binary run by hand), half written, or older than the seam
/// binary (left by an earlier run): the caller then runs `seam demo` itself.
inline bool copyDemoFixture(const QString& name, const QString& to)
{
    const QString from = QCoreApplication::applicationDirPath() + QLatin1String("/demo-fixtures/") + name +
                         QLatin1String(".seam");
    const QString truth = from + QLatin1String(".truth.json");
    const QFileInfo cache(from);
    if (!cache.exists() || !QFileInfo::exists(truth) || QFileInfo::exists(from + QLatin1String("-wal")) ||
        cache.lastModified() < QFileInfo(seam::test::seamBinary()).lastModified())
        return false;
    const QString toTruth = to + QLatin1String(".truth.json");
    QFile::remove(to);
    QFile::remove(toTruth);
    return QFile::copy(from, to) && QFile::copy(truth, toTruth) &&
           QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}
