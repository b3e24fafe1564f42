#include "NoteDialog.h"

#include "QtText.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace seam {

NoteDialog::NoteDialog(const QString& about, const notes::Note& note, QWidget* parent)
    : QDialog(parent), m_note(note), m_text(new QPlainTextEdit(qs(note.text))), m_tags(new QLineEdit),
      m_author(new QLineEdit(qs(note.author))), m_bookmark(new QCheckBox(tr("&Bookmark")))
{
    setWindowTitle(note.id != 0 ? tr("Edit note") : tr("Add note"));
    QStringList tags;
    for (const std::string& t : note.tags)
        tags << qs(t);
    m_tags->setText(tags.join(QStringLiteral(", ")));
    m_tags->setPlaceholderText(tr("db-lock, payments"));
    m_bookmark->setChecked(note.bookmark);
    m_text->setTabChangesFocus(true);
    m_text->setPlaceholderText(tr("What you found, what to check next…"));
    m_text->setObjectName(QStringLiteral("noteText"));
    m_tags->setObjectName(QStringLiteral("noteTags"));
    m_author->setObjectName(QStringLiteral("noteAuthor"));

    auto* aboutLabel = new QLabel(about);
    aboutLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    auto* form = new QFormLayout(this);
    form->addRow(tr("About:"), aboutLabel);
    form->addRow(tr("&Note:"), m_text);
    form->addRow(tr("&Tags:"), m_tags);
    form->addRow(tr("&Author:"), m_author);
    form->addRow(QString(), m_bookmark);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // A note needs words (or to be a bookmark, which names its target alone).
    const auto updateOk = [this, buttons] {
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(m_bookmark->isChecked() || !m_text->toPlainText().trimmed().isEmpty());
    };
    connect(m_text, &QPlainTextEdit::textChanged, this, updateOk);
    connect(m_bookmark, &QCheckBox::toggled, this, updateOk);
    updateOk();
    m_text->setFocus();
    resize(420, sizeHint().height());
}

std::vector<std::string> NoteDialog::splitTags(const QString& text)
{
    std::vector<std::string> tags;
    for (const QString& t : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        tags.push_back(t.toStdString());
    return tags;
}

notes::Note NoteDialog::note() const
{
    notes::Note n = m_note;
    n.text = m_text->toPlainText().trimmed().toStdString();
    n.tags = splitTags(m_tags->text());
    n.author = m_author->text().trimmed().toStdString();
    n.bookmark = m_bookmark->isChecked();
    return n;
}

} // namespace seam
