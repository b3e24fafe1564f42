#pragma once

// File > Connect to a Store…: where the telemetry lives (ClickHouse, Prometheus, Tempo, Jaeger),
// credentials for this pull only (never saved: not in the investigation, not in the settings), and
// the window to bring in. For Tempo and Jaeger, either the traces the investigation's calls lack or a
// Search of the window (the brushed range) by service and operation. Remembers the last URLs without
// their user info.

#include "RemotePullJob.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace seam {

class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    /// `from`/`to` preset the window (ns; e.g. the investigation's own range); `pageLoad` is the
    /// selected page load, offered for Tempo/Jaeger; `filter` presets the page-load filter of a
    /// ClickHouse pull (the window's current filter).
    ConnectDialog(std::int64_t fromNs, std::int64_t toNs, std::optional<std::int64_t> pageLoad,
                  const QString& filter = QString(), QWidget* parent = nullptr);

    RemotePullRequest request() const;

    void accept() override;

private:
    void sourceChanged();
    bool searching() const;

    QComboBox* m_url;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLineEdit* m_token;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QSpinBox* m_maxPageLoads;
    QLineEdit* m_filter;
    QCheckBox* m_onlyPageLoad;
    QCheckBox* m_search;
    QLineEdit* m_service;
    QLineEdit* m_operation;
    QLabel* m_hint;
    std::optional<std::int64_t> m_pageLoad;
};

} // namespace seam
