#include "AppIdentity.h"

#include <QApplication>
#include <QDir>
#include <QGuiApplication>
#include <QStandardPaths>

// The resources are compiled into the static GUI library; a static library's resources must be
// registered by name before use (Q_INIT_RESOURCE, outside any namespace).
static void initSeamResources()
{
    Q_INIT_RESOURCE(seam);
}

namespace seam {

QIcon applicationIcon()
{
    initSeamResources();
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/seam-%1.png").arg(size), QSize(size, size));
    return icon;
}

QString dataFolder()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                        QLatin1Char('/') + QCoreApplication::applicationName();
    QDir().mkpath(dir);
    return dir;
}

void applyApplicationIdentity()
{
    QApplication::setApplicationName(QStringLiteral("seam"));
    QApplication::setOrganizationName(QStringLiteral("seam"));
    QApplication::setApplicationVersion(QStringLiteral(SEAM_VERSION));
    // Matches resources/io.github.seam.Seam.desktop, so Wayland compositors and task bars find the icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.seam.Seam"));
    QApplication::setWindowIcon(applicationIcon());
}

} // namespace seam
