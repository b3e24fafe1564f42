#include "ConnectDialog.h"

#include "PageLoadFilter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>

namespace seam {
namespace {

const QString kRecentKey = QStringLiteral("connect/recentUrls");

QDateTime utcOf(std::int64_t ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, QTimeZone::utc());
}

} // namespace

ConnectDialog::ConnectDialog(std::int64_t fromNs, std::int64_t toNs, std::optional<std::int64_t> pageLoad,
                             const QString& filter, QWidget* parent)
    : QDialog(parent), m_url(new QComboBox), m_user(new QLineEdit), m_password(new QLineEdit),
      m_token(new QLineEdit), m_from(new QDateTimeEdit(utcOf(fromNs))), m_to(new QDateTimeEdit(utcOf(toNs))),
      m_maxPageLoads(new QSpinBox), m_filter(new QLineEdit(filter)),
      m_onlyPageLoad(new QCheckBox(tr("Only the selected page load's calls"))),
      m_search(new QCheckBox(tr("Search the window by service"))), m_service(new QLineEdit),
      m_operation(new QLineEdit), m_hint(new QLabel), m_pageLoad(pageLoad)
{
    setWindowTitle(tr("Connect to a Store"));
    m_url->setEditable(true);
    m_url->setMinimumContentsLength(40);
    m_url->addItems(QSettings().value(kRecentKey).toStringList());
    for (const char* example : {"clickhouse://localhost:8123/otel?table=otel_traces",
                                "prometheus://localhost:9090?preset=spanmetrics", "tempo://localhost:3200",
                                "jaeger://localhost:16686"})
        if (m_url->findText(QLatin1String(example)) < 0)
            m_url->addItem(QLatin1String(example));
    m_url->setCurrentIndex(0);
    m_password->setEchoMode(QLineEdit::Password);
    m_token->setEchoMode(QLineEdit::Password);
    for (QDateTimeEdit* edit : {m_from, m_to}) {
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
        edit->setCalendarPopup(true);
    }
    m_maxPageLoads->setRange(0, 10'000'000);
    m_maxPageLoads->setSpecialValueText(tr("all"));
    m_onlyPageLoad->setEnabled(pageLoad.has_value());
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("all page loads (e.g. route:/checkout duration>2s)"));
    m_filter->setClearButtonEnabled(true);
    m_hint->setWordWrap(true);
    m_search->setObjectName(QStringLiteral("search"));
    m_service->setObjectName(QStringLiteral("service"));
    m_operation->setObjectName(QStringLiteral("operation"));
    m_operation->setPlaceholderText(tr("any"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Store:"), m_url);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("T&o:"), m_to);
    form->addRow(tr("F&ilter:"), m_filter);
    form->addRow(tr("&At most:"), m_maxPageLoads);
    form->addRow(QString(), m_onlyPageLoad);
    form->addRow(QString(), m_search);
    form->addRow(tr("Ser&vice:"), m_service);
    form->addRow(tr("Op&eration:"), m_operation);
    auto* note = new QLabel(tr("Credentials are used for this pull only and never saved (neither in the "
                               "investigation nor in Seam's settings)."));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Pull"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(m_url, &QComboBox::currentTextChanged, this, &ConnectDialog::sourceChanged);
    connect(m_search, &QCheckBox::toggled, this, &ConnectDialog::sourceChanged);
    sourceChanged();
}

bool ConnectDialog::searching() const
{
    const QString kind = remoteKind(m_url->currentText().trimmed());
    return (kind == QLatin1String("Tempo") || kind == QLatin1String("Jaeger")) && m_search->isChecked();
}

void ConnectDialog::sourceChanged()
{
    const QString kind = remoteKind(m_url->currentText().trimmed());
    const bool byTime = kind == QLatin1String("ClickHouse") || kind == QLatin1String("Prometheus");
    const bool traces = kind == QLatin1String("Tempo") || kind == QLatin1String("Jaeger");
    const bool search = searching();
    m_from->setEnabled(byTime || search);
    m_to->setEnabled(byTime || search);
    m_maxPageLoads->setEnabled(kind == QLatin1String("ClickHouse"));
    m_filter->setEnabled(kind == QLatin1String("ClickHouse"));
    m_onlyPageLoad->setEnabled(traces && !search && m_pageLoad.has_value());
    m_search->setEnabled(traces);
    m_service->setEnabled(search);
    m_operation->setEnabled(search);
    m_token->setEnabled(kind != QLatin1String("ClickHouse"));
    if (kind == QLatin1String("ClickHouse"))
        m_hint->setText(
            tr("The page loads of the window (those matching the filter: ClickHouse evaluates the terms it "
               "can, Seam the rest), their sessions, the backend traces their calls reached, and the "
               "window's service rates computed by ClickHouse."));
    else if (kind == QLatin1String("Prometheus"))
        m_hint->setText(tr("Requests, errors and latency of every service in the window, kept as the "
                           "investigation's service rates."));
    else if (search)
        m_hint->setText(tr("The traces of the service (and operation) in the window, found by %1's search: "
                           "at most %2. %1 does not page a search (Jaeger caps it by depth): when the limit "
                           "is reached, narrow the window.")
                            .arg(kind)
                            .arg(RemoteTraceSearch().limit));
    else if (!kind.isEmpty())
        m_hint->setText(
            tr("The backend traces that this investigation's browser calls name but lack, by trace id."));
    else
        m_hint->setText(
            tr("Enter clickhouse://, prometheus://, tempo:// or jaeger:// followed by host:port."));
}

RemotePullRequest ConnectDialog::request() const
{
    RemotePullRequest r;
    // User info typed into the URL moves to the credential fields' role; the URL kept has none.
    QUrl url(m_url->currentText().trimmed());
    r.user = m_user->text().isEmpty() ? url.userName(QUrl::FullyDecoded) : m_user->text();
    r.password = m_password->text().isEmpty() ? url.password(QUrl::FullyDecoded) : m_password->text();
    r.token = m_token->text();
    url.setUserInfo(QString());
    r.url = url.toString();
    r.fromNs = m_from->dateTime().toMSecsSinceEpoch() * 1'000'000;
    r.toNs = m_to->dateTime().toMSecsSinceEpoch() * 1'000'000;
    if (m_maxPageLoads->value() > 0)
        r.maxPageLoads = m_maxPageLoads->value();
    if (m_filter->isEnabled())
        r.filter = m_filter->text().trimmed();
    if (m_onlyPageLoad->isEnabled() && m_onlyPageLoad->isChecked())
        r.pageLoad = m_pageLoad;
    if (searching())
        r.search = RemoteTraceSearch{m_service->text().trimmed(), m_operation->text().trimmed()};
    return r;
}

void ConnectDialog::accept()
{
    const RemotePullRequest r = request();
    if (remoteKind(r.url).isEmpty()) {
        QMessageBox::warning(this, windowTitle(),
                             tr("Enter clickhouse://, prometheus://, tempo:// or jaeger:// URL."));
        return;
    }
    if (r.search && r.search->service.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("Enter the service to search."));
        return;
    }
    if ((remoteKind(r.url) == QLatin1String("ClickHouse") ||
         remoteKind(r.url) == QLatin1String("Prometheus") || r.search) &&
        r.toNs <= r.fromNs) {
        QMessageBox::warning(this, windowTitle(), tr("The window must end after it starts."));
        return;
    }
    if (!r.filter.isEmpty()) {
        const PageLoadFilter filter = PageLoadFilter::parse(r.filter);
        if (!filter.isValid()) {
            QMessageBox::warning(this, windowTitle(), tr("The filter: %1").arg(filter.error().message));
            m_filter->setFocus();
            m_filter->setSelection(filter.error().offset, filter.error().length);
            return;
        }
    }
    QStringList recent = QSettings().value(kRecentKey).toStringList();
    recent.removeAll(r.url);
    recent.prepend(r.url); // without user info (request() removed it)
    QSettings().setValue(kRecentKey, recent.mid(0, 8));
    QDialog::accept();
}

} // namespace seam
