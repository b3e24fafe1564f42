#pragma once
// Drives "Export to CSV…" the way a user does: a context-menu event on the view, a click on the item in
// the menu that opens, the path typed into the save dialog that follows. Both the menu and the dialog
// run their own event loops; a timer polls for each and acts on it.

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QTest>
#include <QTimer>

namespace seam::test {

/// The texts of the actions of the context menu `view` opens, closing it again (Esc).
inline QStringList contextMenuTexts(QAbstractItemView* view)
{
    QStringList texts;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
            for (QAction* a : menu->actions())
                if (!a->isSeparator())
                    texts << a->text();
            menu->close();
            poll.stop();
        }
    });
    poll.start();
    const QPoint pos = view->viewport()->rect().center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view->viewport(), &event);
    return texts;
}

/// Right-click on `view`, "Export to CSV…", save as `path`. True once the dialog was answered.
inline bool exportByContextMenu(QAbstractItemView* view, const QString& path)
{
    bool picked = false, saved = false;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget()); menu && !picked) {
            for (QAction* a : menu->actions())
                if (a->text() == QStringLiteral("Export to CSV…")) {
                    picked = true;
                    // From a fresh event: the dialog it opens runs its loop there, and this poll
                    // (a timer does not fire inside its own slot) stays free to answer it.
                    const QPoint at = menu->actionGeometry(a).center();
                    QTimer::singleShot(0, menu,
                                       [menu, at] { QTest::mouseClick(menu, Qt::LeftButton, {}, at); });
                    return;
                }
            menu->close(); // no such item: the test fails on `saved`
            return;
        }
        // Answered until it closes: a dialog still reading its folder may not take the first answer.
        if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
            saved = true;
            // The folder, then the name typed where the user types it (selectFile alone loses the
            // name while the dialog's model is still loading), then Save.
            const QFileInfo file(path);
            dialog->setDirectory(file.absolutePath());
            if (auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit")))
                name->setText(file.fileName());
            else
                dialog->selectFile(path);
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept: as Save does
        }
    });
    poll.start();
    const QPoint pos = view->viewport()->rect().center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view->viewport(), &event);
    // The menu's loop has returned; the dialog's ran inside the chosen action.
    for (int i = 0; i < 100 && (!saved || QApplication::activeModalWidget()); ++i)
        QTest::qWait(20);
    return saved && !QApplication::activeModalWidget();
}

} // namespace seam::test
