#include "ImportSummaryDialog.h"

#include "Format.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

namespace seam {
namespace {

enum Column
{
    FileColumn,
    FormatColumn,
    ImportedColumn,
    RejectedColumn,
    TimeColumn,
    ColumnCount
};

QString number(std::uint64_t n)
{
    return QLocale().toString(qulonglong(n));
}

} // namespace

QString ImportSummaryDialog::oneLine(const std::vector<ImportRunner::Outcome>& outcomes,
                                     const QStringList& missing)
{
    std::uint64_t accepted = 0, rejected = 0;
    int failed = 0, skipped = 0;
    for (const auto& o : outcomes) {
        accepted += o.report.accepted();
        rejected += o.report.rejected();
        failed += o.report.hasFatal() ? 1 : 0;
        skipped += o.report.skipped.empty() ? 0 : 1;
    }
    QString line = tr("%n file(s): %1 records imported, %2 rejected", nullptr, int(outcomes.size()))
                       .arg(number(accepted), number(rejected));
    if (skipped > 0)
        line += tr(", %n skipped as not telemetry", nullptr, skipped);
    if (failed > 0)
        line += tr("; %n stopped early", nullptr, failed);
    if (!missing.isEmpty())
        line += tr("; %n not found", nullptr, int(missing.size()));
    return line;
}

bool ImportSummaryDialog::needsAttention(const std::vector<ImportRunner::Outcome>& outcomes,
                                         const QStringList& missing)
{
    if (!missing.isEmpty())
        return true;
    for (const auto& o : outcomes)
        if (!o.report.clean())
            return true;
    return false;
}

ImportSummaryDialog::ImportSummaryDialog(const QString& cachePath,
                                         const std::vector<ImportRunner::Outcome>& outcomes,
                                         const QStringList& missing, QWidget* parent)
    : QDialog(parent), m_headline(new QLabel), m_tree(new QTreeWidget)
{
    setWindowTitle(tr("Import Summary"));
    // No cache: nothing was imported into a new investigation, so none was kept.
    m_headline->setText(cachePath.isEmpty()
                            ? tr("<b>%1</b><br>nothing was imported: no investigation was created")
                                  .arg(oneLine(outcomes, missing).toHtmlEscaped())
                            : tr("<b>%1</b><br>into %2")
                                  .arg(oneLine(outcomes, missing).toHtmlEscaped(),
                                       QFileInfo(cachePath).fileName().toHtmlEscaped()));
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels(
        {tr("File / location"), tr("Format"), tr("Imported"), tr("Rejected"), tr("Time")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    const QColor errorColour = palette().color(QPalette::BrightText);

    for (const auto& o : outcomes) {
        auto* item = new QTreeWidgetItem(m_tree);
        item->setText(FileColumn, QFileInfo(QString::fromStdString(o.path)).fileName());
        item->setToolTip(FileColumn, QString::fromStdString(o.path));
        item->setText(FormatColumn, QString::fromStdString(o.report.format));
        item->setText(ImportedColumn, number(o.report.accepted()));
        item->setText(RejectedColumn, number(o.report.rejected()));
        item->setText(TimeColumn, formatDuration(std::llround(o.seconds * 1e9)));
        for (int c : {ImportedColumn, RejectedColumn, TimeColumn})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        if (o.report.hasFatal()) {
            auto* fatal = new QTreeWidgetItem(item);
            fatal->setText(FileColumn, tr("stopped at %1: %2")
                                           .arg(QString::fromStdString(o.report.fatalLocation()),
                                                QString::fromStdString(o.report.fatalMessage())));
            fatal->setForeground(FileColumn, errorColour);
            fatal->setFirstColumnSpanned(true);
        }
        if (!o.report.skipped.empty()) {
            auto* skipped = new QTreeWidgetItem(item);
            skipped->setText(FileColumn,
                             tr("skipped, not telemetry: %1").arg(QString::fromStdString(o.report.skipped)));
            skipped->setFirstColumnSpanned(true);
            item->setExpanded(true);
        }
        if (o.report.cancelled) {
            auto* cancelled = new QTreeWidgetItem(item);
            cancelled->setText(FileColumn, tr("cancelled: what was read before is kept"));
            cancelled->setFirstColumnSpanned(true);
        }
        for (const auto& reject : o.report.samples()) {
            auto* r = new QTreeWidgetItem(item);
            QString text = QStringLiteral("%1: %2").arg(QString::fromStdString(reject.location),
                                                        QString::fromStdString(reject.message));
            if (reject.count > 1)
                text += tr(" (×%1)").arg(number(reject.count));
            r->setText(FileColumn, text);
            r->setToolTip(FileColumn, text);
            r->setFirstColumnSpanned(true);
        }
        const auto shown = o.report.samples().size();
        if (o.report.rejected() > shown && shown == ImportReport::kMaxSamples) {
            auto* more = new QTreeWidgetItem(item);
            more->setText(
                FileColumn,
                tr("… the first %1 are listed; the cache's source_errors table has them too").arg(shown));
            more->setFirstColumnSpanned(true);
        }
        item->setExpanded(!o.report.clean() || !o.report.skipped.empty());
    }
    for (const QString& path : missing) {
        auto* item = new QTreeWidgetItem(m_tree);
        item->setText(FileColumn, tr("%1: no such file or folder").arg(path));
        item->setForeground(FileColumn, errorColour);
        item->setFirstColumnSpanned(true);
    }
    m_tree->header()->setSectionResizeMode(FileColumn, QHeaderView::Stretch);
    for (int c = FormatColumn; c < ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    resize(820, 420);
}

} // namespace seam
