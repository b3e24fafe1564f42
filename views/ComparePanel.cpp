#include "ComparePanel.h"

#include "DiffColourSource.h"
#include "FlameGraphView.h"
#include "Format.h"
#include "PanelHeader.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

namespace seam {
namespace {

QString signedMs(double ms)
{
    const QString d = formatDuration(std::int64_t(std::llround(std::abs(ms) * 1e6)));
    return (ms < 0 ? QStringLiteral("−") : QStringLiteral("+")) + d;
}

QString frameName(const DiffNode& n)
{
    return n.path.empty() ? QString() : QString::fromStdString(n.path.back());
}

} // namespace

ComparePanel::ComparePanel(const QString& cachePath, QWidget* parent)
    : QWidget(parent), m_loader(new CompareLoader(cachePath, this)), m_header(makePanelHeader()),
      m_weight(new QComboBox), m_summary(new QLabel), m_legend(new QLabel), m_view(new FlameGraphView)
{
    m_weight->addItem(tr("Critical path"), int(DiffWeight::Critical));
    m_weight->addItem(tr("Self time"), int(DiffWeight::Self));
    m_weight->setToolTip(tr("What a frame weighs: the time page loads waited for it (critical path), or "
                            "the time spent in it outside its children (self time). Per page load."));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_legend->setTextFormat(Qt::PlainText);
    m_legend->setWordWrap(true);
    m_legend->setText(DiffColourSource::legendText());
    m_legend->setContentsMargins(6, 0, 6, 4);
    QFont small = m_legend->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_legend->setFont(small);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 2);
    controls->addWidget(new QLabel(tr("Weight:")));
    controls->addWidget(m_weight);
    controls->addWidget(m_summary, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addLayout(controls);
    layout->addWidget(m_legend);
    layout->addWidget(m_view, 1);

    connect(m_weight, &QComboBox::currentIndexChanged, this,
            [this] { setWeight(DiffWeight(m_weight->currentData().toInt())); });
    m_loader->onLoaded(this, [this](std::shared_ptr<const CompareData> d) { loaded(std::move(d)); });
    connect(m_loader, &BackgroundLoaderBase::failed, this,
            [this](const QString& message) { showMessage(tr("The comparison failed: %1").arg(message)); });
    connect(m_view, &FlameGraphView::frameSelected, this, &ComparePanel::frameClicked);
    showMessage(tr("Choose two cohorts of page loads to compare."));
}

void ComparePanel::compare(const QString& filterA, const QString& filterB)
{
    CompareRequest request;
    request.filterA = filterA;
    request.filterB = filterB;
    compare(request);
}

void ComparePanel::compare(CompareRequest request)
{
    request.weight = m_request.weight; // the weight chosen here stays
    m_request = std::move(request);
    m_hasRequest = true;
    reload();
}

void ComparePanel::setWeight(DiffWeight weight)
{
    if (const int i = m_weight->findData(int(weight)); i != m_weight->currentIndex())
        m_weight->setCurrentIndex(i); // comes back here through currentIndexChanged
    if (weight == m_request.weight)
        return;
    m_request.weight = weight;
    if (m_hasRequest)
        reload();
}

void ComparePanel::reload()
{
    showMessage(tr("Comparing “%1” with “%2”…").arg(m_request.sideName(false), m_request.sideName(true)));
    m_loader->load(m_request);
}

void ComparePanel::showMessage(const QString& message)
{
    m_data.reset();
    m_header->setText(message);
    m_summary->clear();
    m_view->setColourSource(nullptr);
    m_view->setData(nullptr);
}

void ComparePanel::loaded(std::shared_ptr<const CompareData> data)
{
    if (!data->error.isEmpty()) {
        showMessage(data->error);
        return;
    }
    const DiffResult& r = data->result;
    const auto side = [this](const char* name, const DiffSide& s) -> QString {
        if (s.kind == "trace")
            return tr("%1: trace %2").arg(QLatin1String(name), QString::fromStdString(s.label));
        QString text = tr("%1: %2 (%n page load(s)", nullptr, int(s.pageLoads))
                           .arg(QLatin1String(name), QString::fromStdString(s.label));
        if (s.sampled < s.pageLoads)
            text += tr(", %1 sampled").arg(s.sampled);
        return text + QLatin1Char(')');
    };
    m_header->setText(side("A", r.a) + QStringLiteral("  vs  ") + side("B", r.b));
    double total = 0;
    int significant = 0;
    for (const DiffNode& n : r.nodes) {
        total += n.deltaMs;
        significant += n.significant ? 1 : 0;
    }
    QString summary = tr("B − A: %1 per page load").arg(signedMs(total));
    if (!r.nodes.empty()) {
        const DiffNode& top = r.nodes.front();
        summary += tr("; most changed: %1 %2").arg(frameName(top), signedMs(top.deltaMs));
        if (top.qValue)
            summary += tr(" (q %1)").arg(*top.qValue, 0, 'g', 2);
    }
    summary += tr("; %n significant node(s)", nullptr, significant);
    m_summary->setText(summary);
    m_data = data;
    m_view->setColourSource(std::make_shared<DiffColourSource>(data));
    m_view->setData(data->graph);
}

void ComparePanel::frameClicked(qint64 spanId)
{
    const DiffNode* n = m_data ? m_data->nodeOfSpan(spanId) : nullptr;
    if (!n || n->service == "browser")
        return;
    emit operationChosen(QString::fromStdString(n->service), QString::fromStdString(n->operation));
}

} // namespace seam
