#pragma once

#include "Investigation.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTreeView;

namespace seam {

class ErrorListModel;

/// "Errors around the selection": the selected page load's JavaScript errors (and its session's in
/// the minutes before), the failed backend spans and error logs of its traces, in one time-ordered
/// list under a header that counts them. Activating a row (double click, Enter) selects the failed
/// span, or goes to the browser error's page load. The row of the span selected elsewhere is made current.
class ErrorListPanel : public QWidget
{
    Q_OBJECT

public:
    ErrorListPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);

    QLabel* header() const { return m_header; }
    QTreeView* view() const { return m_view; }
    ErrorListModel* model() const { return m_model; }
    bool isLoading() const;

private:
    void updateHeader();
    /// Makes the selected span's error row current (without activating it), so the list shows where
    /// the other views are.
    void followSelectedSpan();

    QPointer<Investigation> m_investigation;
    ErrorListModel* m_model;
    QLabel* m_header;
    QTreeView* m_view;
};

} // namespace seam
