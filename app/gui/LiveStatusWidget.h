#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace seam {

class LiveController;

/// Live mode in the status bar, unmistakable while it receives: a coloured "LIVE" badge with the
/// listening address, the rates and totals, and "N rejected" as a button that lists what was refused
/// and why (RejectedRequestsDialog). Hidden while live mode is off.
class LiveStatusWidget : public QWidget
{
    Q_OBJECT

public:
    explicit LiveStatusWidget(LiveController* live, QWidget* parent = nullptr);

    QLabel* badge() const { return m_badge; }
    QPushButton* rejectedButton() const { return m_rejected; }
    /// Opens (or raises) the list of rejected requests.
    void showRejections();

private:
    void update();

    LiveController* m_live;
    QLabel* m_badge;
    QLabel* m_counters;
    QPushButton* m_rejected;
};

} // namespace seam
