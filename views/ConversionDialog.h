#pragma once

#include "SavedConversion.h"

#include <QDialog>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace seam {

/// Asks what a conversion is (`route:/checkout/confirmation`, `action:Place order`) and which span
/// attribute carries its value, checked as typed (ConversionDefinition::parse). Pre-filled with the
/// saved definition, else with the guess. An empty definition forgets the saved one.
class ConversionDialog : public QDialog
{
    Q_OBJECT

public:
    ConversionDialog(const std::optional<SavedConversion>& saved,
                     const std::optional<ConversionSuggestion>& suggestion, QWidget* parent = nullptr);

    SavedConversion conversion() const;
    QLineEdit* definitionEdit() const { return m_definition; }
    QLineEdit* revenueEdit() const { return m_revenue; }
    QDialogButtonBox* buttons() const { return m_buttons; }
    /// The line under the fields: the guess, or what is wrong with the definition.
    QString hint() const;

private:
    void validate();

    QLineEdit* m_definition;
    QLineEdit* m_revenue;
    QLabel* m_hint;
    QDialogButtonBox* m_buttons;
    QString m_suggestionText;
};

} // namespace seam
