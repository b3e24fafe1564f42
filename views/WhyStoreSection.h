#pragma once

// The "Across the store" part of the Why? pane: for an investigation pulled from a remote store, the
// slow and normal page-load counts per term (route, browser, app version, country) over the cache and
// the store's time no pull brought, asked on demand (the store may be large: one aggregate query, not
// on every click). The pane sets the scope; the window's WhyStoreCheck (app/gui) runs the check in the
// background and hands the answer back; an answer for another scope is dropped.

#include "CohortCounts.h"

#include <QWidget>
#include <optional>
#include <vector>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace seam {

class WhyStoreSection : public QWidget
{
    Q_OBJECT

public:
    struct Scope
    {
        qint64 from = 0, to = 0; ///< [from, to), ns since the epoch
        QString route;           ///< empty: all routes
        qint64 slowNs = 0;       ///< slow: longer than this
        friend bool operator==(const Scope&, const Scope&) = default;
    };

    explicit WhyStoreSection(QWidget* parent = nullptr);

    /// Shown only when the investigation has remote stores to ask.
    void setAvailable(bool available);
    bool isAvailable() const { return m_available; }
    /// What a check would count now; nullopt with the reason when nothing can be checked.
    void setScope(std::optional<Scope> scope, const QString& whyNot = {});
    const std::optional<Scope>& scope() const { return m_scope; }

    /// The answer of a check of `scope` (dropped when the scope has moved on since).
    void showCounts(const Scope& scope, const CohortCounts& counts, const QString& note);
    void showError(const Scope& scope, const QString& message);

    QPushButton* checkButton() const { return m_check; }
    QPushButton* cancelButton() const { return m_cancel; }
    QLabel* summary() const { return m_summary; }
    QTreeWidget* terms() const { return m_terms; }

signals:
    void checkRequested(const WhyStoreSection::Scope& scope);
    void cancelRequested();

private:
    void setRunning(bool running);

    bool m_available = false;
    std::optional<Scope> m_scope;
    QLabel* m_summary;
    QPushButton* m_check;
    QPushButton* m_cancel;
    QTreeWidget* m_terms;
};

} // namespace seam
