// What the main window does with a cache found damaged when opened: the question, and recovering the
// readable rows into a new investigation (models/RecoverCache) on the worker thread.

#include "DamagedCache.h"

#include "AppIdentity.h"
#include "InvestigationSummaryView.h"
#include "MainWindow.h"
#include "RecoverCache.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <memory>

namespace seam {

DamagedCacheChoice askAboutDamagedCache(QWidget* parent, const QString& path, const QString& damage)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Seam"),
                    QObject::tr("%1 is damaged.").arg(QFileInfo(path).fileName()), QMessageBox::NoButton,
                    parent);
    box.setInformativeText(
        QObject::tr("SQLite reports: %1\n\nOpen it read-only to look at what still reads (views that reach "
                    "the damaged part show errors, and nothing can be imported into it), or copy every "
                    "readable row into a new investigation.")
            .arg(damage));
    QPushButton* readOnly = box.addButton(QObject::tr("Open Read-Only"), QMessageBox::AcceptRole);
    readOnly->setObjectName(QStringLiteral("openReadOnly"));
    QPushButton* recover =
        box.addButton(QObject::tr("Recover into a New Investigation"), QMessageBox::AcceptRole);
    recover->setObjectName(QStringLiteral("recover"));
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancel"));
    box.setDefaultButton(recover);
    box.exec();
    if (box.clickedButton() == readOnly)
        return DamagedCacheChoice::OpenReadOnly;
    if (box.clickedButton() == recover)
        return DamagedCacheChoice::Recover;
    return DamagedCacheChoice::Cancel;
}

void MainWindow::offerRecovery(const QString& path, const QString& damage)
{
    switch (askAboutDamagedCache(this, path, damage)) {
    case DamagedCacheChoice::OpenReadOnly:
        // The views read it as any cache; every writer refuses it (store::openForWriting checks).
        showCache(path);
        m_status->setText(tr("%1 (damaged: read-only)").arg(QDir::toNativeSeparators(path)));
        break;
    case DamagedCacheChoice::Recover:
        recoverIntoNewInvestigation(path);
        break;
    case DamagedCacheChoice::Cancel:
        m_summary->setLoading(tr("%1 is damaged and was not opened.").arg(path));
        m_status->setText(tr("Not opened: %1 is damaged").arg(path));
        break;
    }
}

void MainWindow::recoverIntoNewInvestigation(const QString& path)
{
    // Beside the other investigations: the damaged file may be on media that cannot be written.
    const QString dir = dataFolder();
    const QString target =
        dir + QLatin1Char('/') + QFileInfo(path).completeBaseName() + QStringLiteral("-recovered-") +
        QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) + QStringLiteral(".seam");
    struct Result
    {
        RecoverReport report;
        QString error;
    };
    auto result = std::make_shared<Result>();
    startJob(
        tr("Recovering the readable rows of %1…").arg(QFileInfo(path).fileName()),
        [path, target, result](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
            try {
                result->report = recoverCache(path.toStdString(), target.toStdString(), &cancel, progress);
            } catch (const std::exception& e) {
                result->error = QString::fromStdString(e.what());
            }
        },
        [this, target, result] {
            if (!result->error.isEmpty()) {
                QMessageBox::warning(this, tr("Seam"), tr("The recovery failed: %1").arg(result->error));
                return;
            }
            openCache(target);
            // Shown once the recovered investigation is open (openCache sets the status to its path).
            const QString summary = QString::fromStdString(result->report.summary());
            auto once = std::make_shared<QMetaObject::Connection>();
            *once = connect(this, &MainWindow::investigationOpened, this,
                            [this, summary, target, once](const QString& opened) {
                                disconnect(*once);
                                if (opened == target)
                                    m_status->setText(tr("Recovered: %1").arg(summary));
                            });
        });
}

} // namespace seam
