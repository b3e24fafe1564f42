#include "SpanDetailsPanel.h"

#include "Format.h"
#include "PageLoadFilter.h"
#include "PanelHeader.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace seam {
namespace {

constexpr int kFullTextRole = Qt::UserRole + 1; // column 1: the value, unelided, for copying
const QColor kErrorColour(214, 39, 40);

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

/// Red for errors, lightened on dark palettes so it stays readable.
QColor errorColour(const QPalette& palette)
{
    return isDark(palette) ? kErrorColour.lighter(140) : kErrorColour;
}

/// One line for a cell: line breaks shown as ⏎ (the tooltip has the text as it is).
QString oneLine(const QString& text)
{
    QString line = text;
    line.replace(QLatin1String("\r\n"), QStringLiteral(" ⏎ "))
        .replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    return line;
}

QTreeWidgetItem* addRow(QTreeWidgetItem* parent, const QString& key, const QString& value,
                        const QString& valueTip = {})
{
    auto* item = new QTreeWidgetItem(parent, {key, oneLine(value)});
    item->setData(1, kFullTextRole, value);
    item->setToolTip(0, key);
    const QString tip = valueTip.isEmpty() ? value : valueTip;
    // A tooltip for anything a cell may cut: long or multi-line values.
    if (tip.size() > 40 || tip.contains(QLatin1Char('\n')))
        item->setToolTip(1, tip);
    return item;
}

void addAttributes(QTreeWidgetItem* parent, const std::vector<DetailAttribute>& attributes)
{
    for (const DetailAttribute& a : attributes) {
        QTreeWidgetItem* item = addRow(parent, a.key, a.text());
        if (a.type != QLatin1String("string"))
            item->setToolTip(0, QStringLiteral("%1 (%2)").arg(a.key, a.type));
    }
}

QTreeWidgetItem* addSection(QTreeWidget* tree, const QString& title, bool expanded = true)
{
    auto* item = new QTreeWidgetItem(tree, {title});
    item->setFirstColumnSpanned(true);
    QFont bold = item->font(0);
    bold.setBold(true);
    item->setFont(0, bold);
    item->setExpanded(expanded);
    return item;
}

QString duration(qint64 ns)
{
    return ns < 0 ? QString() : formatDuration(ns);
}

QString statusText(const SpanDetails& d)
{
    switch (d.statusCode) {
    case 2:
        return QObject::tr("error");
    case 1:
        return QObject::tr("ok");
    default:
        return QObject::tr("unset");
    }
}

} // namespace

SpanDetailsPanel::SpanDetailsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new SpanDetailsLoader(cachePath, this)),
      m_header(makePanelHeader()), m_status(new QLabel), m_pageLoadsButton(new QToolButton),
      m_pageLoadsAction(new QAction(tr("Page loads that hit this operation"), this)), m_tree(new QTreeWidget),
      m_details(std::make_shared<const SpanDetails>())
{
    m_header->setWordWrap(false);
    m_header->setMinimumWidth(0);
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setContentsMargins(6, 4, 6, 4);
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);

    m_pageLoadsAction->setToolTip(
        tr("Filter the page loads to those whose backend traces contain a span of this operation"));
    m_pageLoadsAction->setEnabled(false);
    connect(m_pageLoadsAction, &QAction::triggered, this, &SpanDetailsPanel::showPageLoadsForOperation);
    m_pageLoadsButton->setDefaultAction(m_pageLoadsAction);
    m_pageLoadsButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_pageLoadsButton->setAutoRaise(true);

    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_tree->setColumnWidth(0, 180);
    auto* copy = new QAction(tr("Copy"), m_tree);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &SpanDetailsPanel::copySelection);
    m_tree->addAction(copy);
    m_tree->addAction(m_pageLoadsAction);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto* top = new QWidget;
    auto* row = new QHBoxLayout(top);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_header, 1);
    row->addWidget(m_status);
    row->addWidget(m_pageLoadsButton);
    layOutPanel(this, top, m_tree);
    setFocusProxy(m_tree);

    m_loader->onLoaded(this, [this](std::shared_ptr<const SpanDetails> details) { showDetails(details); });
    connect(m_loader, &SpanDetailsLoader::failed, this, [this](const QString& message) {
        showMessage(tr("Could not read the details: %1").arg(message));
    });
    if (m_investigation)
        connect(m_investigation, &Investigation::changed, this, &SpanDetailsPanel::investigationChanged);
    showMessage(tr("Select a span or a resource to see its details."));
    requestDetails();
}

SpanDetailsPanel::~SpanDetailsPanel() = default;

bool SpanDetailsPanel::isLoading() const
{
    return m_loader->isLoading();
}

void SpanDetailsPanel::investigationChanged(Investigation::Changes changes)
{
    if (changes & (Investigation::PageLoadChanged | Investigation::TracesChanged |
                   Investigation::SpanChanged | Investigation::ResourceChanged))
        requestDetails();
}

void SpanDetailsPanel::requestDetails()
{
    SpanDetailsRequest request;
    if (m_investigation) {
        request.traceRowIds = m_investigation->selectedTraces();
        request.spanId = m_investigation->selectedSpan();
        request.resourceId = m_investigation->selectedResource();
    }
    // A span whose traces are not resolved yet waits for them (TracesChanged) unless a resource says more.
    if (request.traceRowIds.empty())
        request.spanId = 0;
    if (request.spanId == 0 && request.resourceId == 0) {
        // Nothing to read: what was asked before is dropped and the panel says so at once.
        m_loader->cancel();
        showDetails(nullptr);
        return;
    }
    m_loader->load(std::move(request));
}

void SpanDetailsPanel::showMessage(const QString& message)
{
    m_tree->clear();
    m_header->setText(message);
    m_header->setToolTip(QString());
    m_status->clear();
    m_pageLoadsAction->setEnabled(false);
}

void SpanDetailsPanel::showDetails(std::shared_ptr<const SpanDetails> details)
{
    m_details = details ? std::move(details) : std::make_shared<const SpanDetails>();
    switch (m_details->what) {
    case SpanDetails::What::Nothing:
        if (!m_investigation || (!m_investigation->selectedSpan() && !m_investigation->selectedResource()))
            showMessage(tr("Select a span or a resource to see its details."));
        else if (m_investigation->selectedSpan() && m_investigation->selectedTraces().empty())
            showMessage(tr("Waiting for the page load's traces…"));
        else
            showMessage(tr("The selection is not in the cache (yet)."));
        break;
    case SpanDetails::What::Span:
        showSpan(*m_details);
        break;
    case SpanDetails::What::Resource:
        showResource(*m_details);
        break;
    }
    emit detailsShown();
}

void SpanDetailsPanel::showSpan(const SpanDetails& d)
{
    m_tree->clear();
    const QString title = d.service + QStringLiteral(" · ") + d.operation;
    m_header->setText(title + QStringLiteral("  ·  ") + duration(d.durationNs));
    m_header->setToolTip(title);
    m_status->setText(statusText(d));
    updateStatusColour();
    m_pageLoadsAction->setEnabled(!d.isBrowserService && !d.service.isEmpty());

    QTreeWidgetItem* span = addSection(m_tree, tr("Span"));
    addRow(span, tr("service"),
           d.serviceVersion.isEmpty() ? d.service : d.service + QLatin1Char(' ') + d.serviceVersion);
    addRow(span, tr("operation"), d.operation);
    addRow(span, tr("kind"), SpanDetails::kindName(d.kind));
    addRow(span, tr("status"),
           d.statusMessage.isEmpty() ? statusText(d)
                                     : statusText(d) + QStringLiteral(": ") + d.statusMessage);
    addRow(span, tr("start"),
           d.traceDurationNs > 0 || d.traceStartNs != 0
               ? tr("%1 after the trace's start").arg(duration(d.startNs - d.traceStartNs))
               : QString::number(d.startNs));
    QString share;
    if (d.traceDurationNs > 0)
        share = tr(" (%1 of the trace)").arg(formatPercent(d.traceShare()));
    addRow(span, tr("duration"), duration(d.durationNs) + share);
    QString parent = tr("(root)");
    if (d.parentSpanId != 0 && d.parentOperation.isEmpty())
        parent = SpanDetails::spanIdHex(d.parentSpanId) + tr(" (not in the cache)");
    else if (d.parentSpanId != 0)
        parent = d.parentOperation + QStringLiteral("  ") + SpanDetails::spanIdHex(d.parentSpanId);
    addRow(span, tr("parent"), parent);
    addRow(span, tr("trace id"), d.traceIdHex);
    addRow(span, tr("span id"), SpanDetails::spanIdHex(d.spanId));
    if (!d.scope.isEmpty())
        addRow(span, tr("scope"), d.scope);

    QTreeWidgetItem* attributes = addSection(m_tree, tr("Attributes (%1)").arg(d.attributes.size()));
    addAttributes(attributes, d.attributes);

    if (!d.events.empty()) {
        QTreeWidgetItem* events = addSection(m_tree, tr("Events (%1)").arg(d.events.size()));
        for (const SpanEventDetail& e : d.events) {
            const QString when = formatOffset(e.offsetNs) + QStringLiteral("  ") + e.name;
            QString summary;
            if (e.isException)
                summary = e.exceptionType.isEmpty() ? e.exceptionMessage
                          : e.exceptionMessage.isEmpty()
                              ? e.exceptionType
                              : e.exceptionType + QStringLiteral(": ") + e.exceptionMessage;
            QTreeWidgetItem* event = addRow(events, when, summary);
            if (e.isException) {
                event->setForeground(1, errorColour(palette()));
                // Exceptions first in readable form, then whatever else the event carries.
                if (!e.exceptionType.isEmpty())
                    addRow(event, tr("type"), e.exceptionType);
                if (!e.exceptionMessage.isEmpty())
                    addRow(event, tr("message"), e.exceptionMessage);
                if (!e.stacktrace.isEmpty()) {
                    QTreeWidgetItem* stack = addRow(event, tr("stacktrace"), e.stacktrace);
                    stack->setToolTip(1, e.stacktrace);
                }
                std::vector<DetailAttribute> rest;
                for (const DetailAttribute& a : e.attributes)
                    if (a.key != QLatin1String("exception.type") &&
                        a.key != QLatin1String("exception.message") &&
                        a.key != QLatin1String("exception.stacktrace"))
                        rest.push_back(a);
                addAttributes(event, rest);
                event->setExpanded(true);
            } else {
                addAttributes(event, e.attributes);
            }
        }
    }

    if (!d.links.empty()) {
        QTreeWidgetItem* links = addSection(m_tree, tr("Links (%1)").arg(d.links.size()), false);
        for (const SpanLinkDetail& l : d.links) {
            QTreeWidgetItem* link = addRow(links, l.spanIdHex, l.traceIdHex);
            addAttributes(link, l.attributes);
        }
    }

    const QString logsTitle =
        d.logsAreFromTrace ? tr("Logs of the trace around this span (%1)") : tr("Logs (%1)");
    QTreeWidgetItem* logs = addSection(m_tree, logsTitle.arg(d.logs.size() + std::size_t(d.moreLogs)));
    for (const LogDetail& l : d.logs) {
        QString key = formatOffset(l.offsetNs) + QStringLiteral("  ") +
                      (l.severityText.isEmpty() ? QString::number(l.severity) : l.severityText);
        if (d.logsAreFromTrace && !l.service.isEmpty())
            key += QStringLiteral("  ") + l.service;
        QTreeWidgetItem* log = addRow(logs, key, l.body);
        if (l.severity >= 17)
            log->setForeground(0, errorColour(palette()));
        addAttributes(log, l.attributes);
    }
    if (d.moreLogs > 0)
        addRow(logs, tr("…"), tr("%n more log(s) not shown", nullptr, d.moreLogs));
}

void SpanDetailsPanel::showResource(const SpanDetails& d)
{
    m_tree->clear();
    const QString title = (d.method.isEmpty() ? d.resourceType : d.method) + QLatin1Char(' ') + d.url;
    m_header->setText(title + QStringLiteral("  ·  ") + duration(d.resourceDurationNs));
    m_header->setToolTip(d.url);
    m_status->setText(d.httpStatus > 0 ? QString::number(d.httpStatus) : tr("network error"));
    updateStatusColour();
    m_pageLoadsAction->setEnabled(false);

    QTreeWidgetItem* resource = addSection(m_tree, tr("Resource"));
    addRow(resource, tr("url"), d.url);
    addRow(resource, tr("type"), d.resourceType);
    if (!d.method.isEmpty())
        addRow(resource, tr("method"), d.method);
    addRow(resource, tr("status"),
           d.httpStatus > 0 ? QString::number(d.httpStatus) : tr("unknown / network error"));
    if (d.resourceOffsetNs >= 0)
        addRow(resource, tr("start"), tr("%1 after the page load's start").arg(duration(d.resourceOffsetNs)));
    addRow(resource, tr("duration"),
           d.resourceDurationNs < 0 ? tr("unknown") : duration(d.resourceDurationNs));
    if (d.transferSize >= 0)
        addRow(resource, tr("transfer size"), tr("%1 bytes").arg(d.transferSize));
    const std::pair<QString, qint64> phases[] = {{tr("dns"), d.dnsNs},
                                                 {tr("connect"), d.connectNs},
                                                 {tr("tls"), d.sslNs},
                                                 {tr("ttfb"), d.ttfbNs},
                                                 {tr("download"), d.downloadNs}};
    QTreeWidgetItem* timing = nullptr;
    for (const auto& [name, ns] : phases) {
        if (ns < 0)
            continue;
        if (!timing)
            timing = addSection(m_tree, tr("Timings"));
        addRow(timing, name, duration(ns));
    }
    QTreeWidgetItem* link = addSection(m_tree, tr("Backend link"));
    if (d.linkMethod.isEmpty()) {
        addRow(link, tr("linked"), tr("no: no backend trace is known for this resource"));
    } else {
        addRow(link, tr("method"), d.linkMethod);
        addRow(link, tr("confidence"), QString::number(d.linkConfidence, 'f', 2));
        addRow(link, tr("trace id"), d.linkedTraceIdHex);
        if (d.linkedSpanId != 0)
            addRow(link, tr("entry span"), SpanDetails::spanIdHex(d.linkedSpanId));
    }
}

void SpanDetailsPanel::updateStatusColour()
{
    QPalette p = m_status->palette();
    const bool dark = isDark(palette());
    const SpanDetails& d = *m_details;
    const bool error =
        d.what == SpanDetails::What::Span ? d.statusCode == 2 : (d.httpStatus == 0 || d.httpStatus >= 400);
    const bool ok = d.what == SpanDetails::What::Span ? d.statusCode == 1 : !error;
    QColor colour = palette().color(QPalette::WindowText);
    if (error)
        colour = errorColour(palette());
    else if (ok)
        colour = dark ? QColor(110, 200, 120) : QColor(30, 130, 50);
    p.setColor(QPalette::WindowText, colour);
    m_status->setPalette(p);
}

void SpanDetailsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateStatusColour();
        // Error rows carry their colour: rebuild them for the new palette.
        if (m_details->what == SpanDetails::What::Span)
            showSpan(*m_details);
    }
}

QString SpanDetailsPanel::selectedText() const
{
    QStringList lines;
    // In tree order, not click order: what the user sees is what is copied.
    for (QTreeWidgetItemIterator it(m_tree, QTreeWidgetItemIterator::Selected); *it; ++it) {
        const QTreeWidgetItem* item = *it;
        const QString value = item->data(1, kFullTextRole).toString();
        lines << (value.isEmpty() && item->isFirstColumnSpanned() ? item->text(0)
                                                                  : item->text(0) + QLatin1Char('=') + value);
    }
    return lines.join(QLatin1Char('\n'));
}

void SpanDetailsPanel::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

QString SpanDetailsPanel::filterWithOperation(const QString& filterText, const QString& service,
                                              const QString& operation)
{
    const QString term = PageLoadFilter::operationTerm(service, operation);
    const QString current = filterText.trimmed();
    if (current.isEmpty() || !PageLoadFilter::parse(current).isValid())
        return term;
    // Already there as a whole term: nothing to add.
    const QString padded = QLatin1Char(' ') + current + QLatin1Char(' ');
    if (padded.contains(QLatin1Char(' ') + term + QLatin1Char(' ')))
        return current;
    return current + QLatin1Char(' ') + term;
}

void SpanDetailsPanel::showPageLoadsForOperation()
{
    const SpanDetails& d = *m_details;
    if (!m_investigation || d.what != SpanDetails::What::Span || d.isBrowserService)
        return;
    m_investigation->setFilterText(
        filterWithOperation(m_investigation->filterText(), d.service, d.operation));
}

} // namespace seam
