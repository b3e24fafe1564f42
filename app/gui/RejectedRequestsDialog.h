#pragma once

#include "LiveReceiver.h"

#include <QDialog>
#include <functional>
#include <vector>

class QTreeWidget;

namespace seam {

/// What live mode refused, newest first: each rejected request (4xx: a body that does not decode, a
/// limit, an Origin or Host not allowed, a timeout) or rejected record, with when, which request and
/// why. Opened from the "N rejected" in the status bar; Refresh reads the receiver's list again.
class RejectedRequestsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit RejectedRequestsDialog(std::function<std::vector<LiveRejection>()> source,
                                    QWidget* parent = nullptr);

    QTreeWidget* list() const { return m_list; }
    void refresh();

private:
    std::function<std::vector<LiveRejection>()> m_source;
    QTreeWidget* m_list;
};

} // namespace seam
