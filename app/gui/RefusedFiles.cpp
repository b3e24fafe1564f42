// What the main window does with a file that is not a Seam investigation, and with an import into a new
// investigation that brought nothing: it says why and changes nothing. No file is created (or the empty
// one the import made is removed), the open investigation stays open and Open Recent is untouched.

#include "ImportSummaryDialog.h"
#include "InvestigationFile.h"
#include "MainWindow.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>

namespace seam {
namespace {

/// The one file of an import that found no format in it (or skipped it as not telemetry): it was
/// most likely meant as an investigation.
const ImportRunner::Outcome* unrecognisedSingleFile(const std::vector<ImportRunner::Outcome>& outcomes)
{
    if (outcomes.size() != 1)
        return nullptr;
    const ImportRunner::Outcome& o = outcomes.front();
    const bool unknown = o.report.format == "unknown" && o.report.read() == 0 && o.report.rejected() == 0;
    return unknown || !o.report.skipped.empty() ? &o : nullptr;
}

} // namespace

bool MainWindow::refuseIfNotAnInvestigation(const QString& path)
{
    const std::optional<std::string> why = store::whyNotAnInvestigation(path.toStdString());
    if (!why)
        return false;
    refuseFile(path, QString::fromStdString(store::notAnInvestigationMessage(*why)));
    return true;
}

void MainWindow::refuseFile(const QString& path, const QString& message)
{
    m_status->setText(message);
    // Not modal: the window and the investigation in it stay usable behind it.
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Seam"),
                        tr("%1 was not opened.").arg(QFileInfo(path).fileName()), QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("openRefused"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit openRefused(path, message);
}

bool MainWindow::discardIfNothingImported(const QString& cache,
                                          const std::vector<ImportRunner::Outcome>& outcomes,
                                          const QStringList& missing, const QString& error)
{
    for (const ImportRunner::Outcome& o : outcomes)
        if (o.report.accepted() > 0)
            return false;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(cache + QLatin1String(suffix));

    const QString first = outcomes.empty() ? missing.value(0) : QString::fromStdString(outcomes.front().path);
    if (!error.isEmpty()) {
        refuseFile(first, tr("The import failed: %1. No investigation was created.").arg(error));
        return true;
    }
    if (const ImportRunner::Outcome* o = unrecognisedSingleFile(outcomes); o && missing.isEmpty()) {
        const std::string reason = o->report.skipped.empty() ? o->report.fatalMessage() : o->report.skipped;
        refuseFile(first, QString::fromStdString(store::notAnInvestigationMessage(reason)));
        return true;
    }
    const QString message = tr("Nothing was imported (%1): no investigation was created.")
                                .arg(ImportSummaryDialog::oneLine(outcomes, missing));
    m_status->setText(message);
    emit openRefused(first, message);
    // Which record was refused where and why: the summary (with no cache to name) says it all.
    auto* dialog = new ImportSummaryDialog(QString(), outcomes, missing, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return true;
}

} // namespace seam
