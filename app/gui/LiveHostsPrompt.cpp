#include "LiveHostsPrompt.h"

#include "LiveController.h"
#include "RequestPolicy.h"

#include <QInputDialog>
#include <QMessageBox>

namespace seam {

bool promptLiveAllowedHosts(QWidget* parent)
{
    LiveController::Settings settings = LiveController::loadSettings();
    bool ok = false;
    const QString text = QInputDialog::getText(
        parent, QObject::tr("Allowed Host Names"),
        QObject::tr("Names besides the listen address by which clients reach the receiver (a proxy, a "
                    "LAN name), separated by spaces, as NAME or NAME:PORT. Requests for any other name "
                    "are refused, so a web page cannot reach it through its own DNS name:"),
        QLineEdit::Normal, settings.allowedHosts.join(QLatin1Char(' ')), &ok);
    if (!ok)
        return false;
    const QStringList hosts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& host : hosts) {
        // Saved as typed only when valid: a name that never matches would refuse silently.
        if (!live::RequestPolicy::parseAuthority(host.toUtf8())) {
            QMessageBox::warning(
                parent, QObject::tr("Seam"),
                QObject::tr("'%1' is not NAME or NAME:PORT (e.g. seam.lan or seam.lan:8080).").arg(host));
            return false;
        }
    }
    if (hosts == settings.allowedHosts)
        return false;
    settings.allowedHosts = hosts;
    LiveController::saveSettings(settings);
    return true;
}

} // namespace seam
