#include "ConversionDialog.h"

#include "ConversionDefinition.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace seam {

ConversionDialog::ConversionDialog(const std::optional<SavedConversion>& saved,
                                   const std::optional<ConversionSuggestion>& suggestion, QWidget* parent)
    : QDialog(parent), m_definition(new QLineEdit), m_revenue(new QLineEdit), m_hint(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Conversion"));
    m_definition->setPlaceholderText(tr("route:/checkout/confirmation  or  action:Place order"));
    m_definition->setToolTip(tr("A page load of a route (route:), a URL (url:) or a user action (action:); "
                                "globs * and ? allowed. Empty: no conversion."));
    m_revenue->setPlaceholderText(tr("order.value (optional)"));
    m_revenue->setToolTip(tr("A numeric span attribute carrying a conversion's value"));
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);

    if (suggestion)
        m_suggestionText = tr("Suggested: %1 with %2 (%3 of %4 sampled sessions carrying %2 ended there).")
                               .arg(QString::fromStdString(suggestion->conversion.definition),
                                    QString::fromStdString(suggestion->conversion.revenueAttribute))
                               .arg(suggestion->endingThere)
                               .arg(suggestion->sessions);
    const std::optional<SavedConversion> start = saved        ? saved
                                                 : suggestion ? std::optional(suggestion->conversion)
                                                              : std::nullopt;
    if (start) {
        m_definition->setText(QString::fromStdString(start->definition));
        m_revenue->setText(QString::fromStdString(start->revenueAttribute));
    }

    auto* form = new QFormLayout;
    form->addRow(tr("&Conversion:"), m_definition);
    form->addRow(tr("&Revenue attribute:"), m_revenue);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("What counts as a conversion in this investigation? It is saved in "
                                    "the investigation file and used for lost conversions (also by "
                                    "seam impact).")));
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_definition, &QLineEdit::textChanged, this, &ConversionDialog::validate);
    validate();
    resize(520, sizeHint().height());
}

SavedConversion ConversionDialog::conversion() const
{
    SavedConversion c;
    const QString text = m_definition->text().trimmed();
    if (text.isEmpty())
        return c;
    if (const auto parsed = ConversionDefinition::parse(text.toStdString()))
        c.definition = parsed->text();
    c.revenueAttribute = m_revenue->text().trimmed().toStdString();
    return c;
}

QString ConversionDialog::hint() const
{
    return m_hint->text();
}

void ConversionDialog::validate()
{
    const QString text = m_definition->text().trimmed();
    std::string error;
    const bool ok = text.isEmpty() || ConversionDefinition::parse(text.toStdString(), &error).has_value();
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(ok);
    if (!ok)
        m_hint->setText(QString::fromStdString(error));
    else if (text.isEmpty())
        m_hint->setText(tr("No conversion: lost conversions are not computed."));
    else
        m_hint->setText(m_suggestionText);
}

} // namespace seam
