#include "LiveSettingsPrompts.h"

#include "LiveController.h"

#include <QHostAddress>
#include <QInputDialog>
#include <QMessageBox>

namespace seam {

bool promptLiveAddress(QWidget* parent)
{
    LiveController::Settings settings = LiveController::loadSettings();
    bool ok = false;
    const QString text = QInputDialog::getText(
        parent, QObject::tr("Live Listen Address"),
        QObject::tr("Host and port to listen on (127.0.0.1 keeps it to this machine):"), QLineEdit::Normal,
        QStringLiteral("%1:%2").arg(settings.host).arg(settings.port), &ok);
    if (!ok)
        return false;
    const QString host = text.section(QLatin1Char(':'), 0, -2).trimmed();
    const uint port = text.section(QLatin1Char(':'), -1).toUInt(&ok);
    if (!ok || port > 65535 || QHostAddress(host).isNull()) {
        QMessageBox::warning(parent, QObject::tr("Seam"),
                             QObject::tr("'%1' is not HOST:PORT (e.g. 127.0.0.1:4318).").arg(text));
        return false;
    }
    if (!QHostAddress(host).isLoopback() &&
        QMessageBox::warning(parent, QObject::tr("Seam"),
                             QObject::tr("%1 is reachable from other machines: anyone who can reach it can "
                                         "write into this investigation. Listen there anyway?")
                                 .arg(host),
                             QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return false;
    settings.host = host;
    settings.port = quint16(port);
    LiveController::saveSettings(settings);
    return true;
}

bool promptLiveOrigins(QWidget* parent)
{
    LiveController::Settings settings = LiveController::loadSettings();
    bool ok = false;
    const QString text = QInputDialog::getText(
        parent, QObject::tr("Allowed Browser Origins"),
        QObject::tr("Origins whose pages may send telemetry (CORS), separated by spaces, e.g. "
                    "http://localhost:3000; * allows any:"),
        QLineEdit::Normal, settings.corsOrigins.join(QLatin1Char(' ')), &ok);
    if (!ok)
        return false;
    settings.corsOrigins = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    LiveController::saveSettings(settings);
    return true;
}

} // namespace seam
