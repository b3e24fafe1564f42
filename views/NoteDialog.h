#pragma once

#include "Notes.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QPlainTextEdit;

namespace seam {

/// The small dialog that adds or edits a note: its text, tags (separated by commas or spaces), author
/// (the OS user by default) and whether it is a bookmark. What it is about is shown, not edited.
class NoteDialog : public QDialog
{
    Q_OBJECT

public:
    NoteDialog(const QString& about, const notes::Note& note, QWidget* parent = nullptr);

    /// `note` given to the constructor with the fields as edited.
    notes::Note note() const;
    QPlainTextEdit* textEdit() const { return m_text; }
    QLineEdit* tagsEdit() const { return m_tags; }
    QLineEdit* authorEdit() const { return m_author; }

    /// "db-lock, #payments slow" -> {"db-lock", "#payments", "slow"} (normalised later by the store).
    static std::vector<std::string> splitTags(const QString& text);

private:
    notes::Note m_note;
    QPlainTextEdit* m_text;
    QLineEdit* m_tags;
    QLineEdit* m_author;
    QCheckBox* m_bookmark;
};

} // namespace seam
