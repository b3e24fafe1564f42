#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace seam {

/// The first screen of an investigation until the linked views land: what is in the cache, the
/// slowest page loads (with the backend services they reached) and each service's RED figures.
/// It only paints data handed to it; loading happens off the GUI thread in the app layer.
class InvestigationSummaryView : public QWidget
{
    Q_OBJECT

public:
    explicit InvestigationSummaryView(QWidget* parent = nullptr);

    void setLoading(const QString& message);
    /// The message shown by setLoading (the title line).
    QString loadingText() const;
    void setData(const QString& title, const QJsonObject& stats, const QJsonArray& slowest,
                 const QJsonObject& services);

private:
    QLabel* m_title;
    QLabel* m_stats;
    QTableWidget* m_pageLoads;
    QTableWidget* m_services;
};

} // namespace seam
