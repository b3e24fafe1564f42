#pragma once

#include "Investigation.h"
#include "SpanDetailsLoader.h"

#include <QPointer>
#include <QWidget>
#include <memory>

class QAction;
class QLabel;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace seam {

/// Details of the selected span (or, with no span, of the selected resource): a compact header
/// (service · operation, duration, status in colour) above a tree of its fields, attributes, events
/// (exceptions readable, expandable), links and logs. Values are selectable; Ctrl+C copies the
/// selected rows as key=value lines with their full text (cells elide long values, tooltips show them
/// whole). "Page loads that hit this operation" adds an `operation:` term to the investigation's
/// filter. Loads on a worker thread (SpanDetailsLoader) as the selection changes.
class SpanDetailsPanel : public QWidget
{
    Q_OBJECT

public:
    SpanDetailsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~SpanDetailsPanel() override;

    QLabel* header() const { return m_header; }
    QLabel* statusLabel() const { return m_status; }
    QTreeWidget* tree() const { return m_tree; }
    QToolButton* pageLoadsButton() const { return m_pageLoadsButton; }
    /// What is shown (never null; What::Nothing before anything is selected).
    const std::shared_ptr<const SpanDetails>& details() const { return m_details; }
    bool isLoading() const;

    /// The selected rows as "key=value" lines (values in full), what Ctrl+C puts on the clipboard.
    QString selectedText() const;
    /// `filterText` with the operation term added (unless it is there already; an invalid filter is
    /// replaced by the term alone).
    static QString filterWithOperation(const QString& filterText, const QString& service,
                                       const QString& operation);

public slots:
    void copySelection();
    /// Sets the investigation's filter to the page loads that reached the shown span's operation.
    void showPageLoadsForOperation();

signals:
    /// The tree shows a newly loaded selection.
    void detailsShown();

protected:
    void changeEvent(QEvent* event) override;

private:
    void investigationChanged(Investigation::Changes changes);
    void requestDetails();
    void showDetails(std::shared_ptr<const SpanDetails> details);
    void showSpan(const SpanDetails& d);
    void showResource(const SpanDetails& d);
    void showMessage(const QString& message);
    void updateStatusColour();

    QPointer<Investigation> m_investigation;
    SpanDetailsLoader* m_loader;
    QLabel* m_header;
    QLabel* m_status;
    QToolButton* m_pageLoadsButton;
    QAction* m_pageLoadsAction;
    QTreeWidget* m_tree;
    std::shared_ptr<const SpanDetails> m_details;
};

} // namespace seam
