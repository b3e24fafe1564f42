#pragma once

#include "ImportRunner.h"

#include <QDialog>
#include <vector>

class QLabel;
class QTreeWidget;

namespace seam {

/// What an import did, file by file: format, records imported and rejected, time, and under each file
/// its located errors ("line 7: …", "byte 1234: …") and a fatal stop if there was one. Shown after an
/// import from the GUI that rejected anything; a clean import only reports in the status bar.
class ImportSummaryDialog : public QDialog
{
    Q_OBJECT

public:
    ImportSummaryDialog(const QString& cachePath, const std::vector<ImportRunner::Outcome>& outcomes,
                        const QStringList& missing, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }

    /// One line for the status bar: "3 files: 41,250 records imported, 12 rejected".
    static QString oneLine(const std::vector<ImportRunner::Outcome>& outcomes, const QStringList& missing);
    /// Whether the dialog has something to say beyond oneLine().
    static bool needsAttention(const std::vector<ImportRunner::Outcome>& outcomes,
                               const QStringList& missing);

private:
    QLabel* m_headline;
    QTreeWidget* m_tree;
};

} // namespace seam
