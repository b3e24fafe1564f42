#include "HelpPages.h"

#include "PageLoadFilter.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QKeySequence>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QWidget>
#include <google/protobuf/stubs/common.h>
#include <map>
#include <sqlite3.h>

namespace seam {
namespace {

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

QString row(const QString& a, const QString& b)
{
    return QStringLiteral("<tr><td style='padding-right:16px'><code>%1</code></td><td>%2</td></tr>")
        .arg(escaped(a), escaped(b));
}

} // namespace

QString filterSyntaxHtml()
{
    QString html = QObject::tr(
        "<h2>Filtering page loads</h2>"
        "<p>Type in the filter line above the page-load table (Ctrl+F). Terms are separated by spaces and "
        "must all match. <code>OR</code> between terms gives alternatives; AND binds tighter, so "
        "<code>a b OR c</code> means <code>(a AND b) OR c</code>. Parentheses group, and a <code>-</code> "
        "before a term or a group negates it. <code>AND</code> may be written out. Quote values with "
        "spaces or parentheses (<code>browser:\"Mobile Safari\"</code>); to search for the word "
        "<i>or</i> itself, quote it.</p>"
        "<table>");
    html += row(QStringLiteral("field:value"), QObject::tr("exact match"));
    html += row(QStringLiteral("field:~text"), QObject::tr("contains text (any case)"));
    html += row(QStringLiteral("field>v  >=  <  <=  ="), QObject::tr("compare a number or a duration"));
    html += row(QStringLiteral("word"), QObject::tr("the route or the URL contains the word"));
    html += row(QStringLiteral("-term, -(…)"), QObject::tr("not: page loads with no value match too"));
    html += row(QStringLiteral("a OR b, (a OR b) c"), QObject::tr("either; grouping"));
    html += QObject::tr("</table><p>Durations need a unit: <code>ms</code>, <code>s</code> or <code>m</code> "
                        "(<code>duration&gt;2s</code>, <code>ttfb&lt;=300ms</code>).</p><h3>Fields</h3>"
                        "<table><tr><th align=left>Field</th><th align=left>Operators</th>"
                        "<th align=left>Meaning</th><th align=left>Example</th></tr>");
    for (const PageLoadFilter::FieldHelp& f : PageLoadFilter::fieldHelp())
        html += QStringLiteral("<tr><td><code>%1</code></td><td><code>%2</code></td><td>%3%4</td>"
                               "<td><code>%5</code></td></tr>")
                    .arg(escaped(f.name), escaped(f.operators), escaped(f.description),
                         f.units.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(escaped(f.units)),
                         escaped(f.example));
    html += QObject::tr("</table><h3>Examples</h3><table>");
    html += row(QStringLiteral("route:/checkout duration>2s"), QObject::tr("slow checkouts"));
    html += row(QStringLiteral("duration>2s OR errors>0"), QObject::tr("slow or failing page loads"));
    html += row(QStringLiteral("route:/checkout (browser:Safari OR os:iOS)"),
                QObject::tr("checkouts on Apple browsers"));
    html += row(QStringLiteral("status:5xx -service:payments"),
                QObject::tr("a call failed with a 5xx, payments not involved"));
    html += row(QStringLiteral("source:datadog lcp>2.5s"), QObject::tr("Datadog RUM loads with a slow LCP"));
    html += QStringLiteral("</table><p>") +
            QObject::tr("Tab or Ctrl+Space completes field names and the cache's values. An empty result "
                        "says so in the table; a filter that cannot be read shows where, under the line.") +
            QStringLiteral("</p>");
    return html;
}

QString shortcutsHtml(const QWidget* window)
{
    // Read from the actions themselves, so a changed shortcut is never mis-documented. Sorted by
    // name; one row per action text.
    std::map<QString, QString> keys;
    for (const QAction* action : window->findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty())
            continue;
        QStringList sequences;
        for (const QKeySequence& k : action->shortcuts())
            sequences << k.toString(QKeySequence::NativeText);
        QString text = action->text();
        text.remove(QLatin1Char('&'));
        keys[text] = sequences.join(QStringLiteral(", "));
    }
    QString html = QObject::tr("<h2>Keyboard shortcuts</h2><h3>Menus and panes</h3><table>");
    for (const auto& [text, sequence] : keys)
        html += row(sequence, text);
    html += QObject::tr("</table><h3>In the views</h3><table>");
    html +=
        row(QStringLiteral("Tab / Shift+Tab"),
            QObject::tr("next / previous control; leaves the table (Ctrl+Tab or F6 goes to the next pane)"));
    html += row(QStringLiteral("Tab, Ctrl+Space"), QObject::tr("in the filter line: complete the term"));
    html += row(QStringLiteral("Arrows, Page Up/Down"), QObject::tr("in the table: move the selection"));
    html += row(QStringLiteral("Esc"), QObject::tr("in the scatter: clear the brushed time range"));
    html += row(QStringLiteral("Ctrl+F"),
                QObject::tr("in the flamegraph: search frames (Enter / Shift+Enter: next / previous match); "
                            "elsewhere: the page-load filter"));
    html += row(QObject::tr("Wheel"), QObject::tr("in the flamegraph: scroll up and down"));
    html += row(QObject::tr("Ctrl+Wheel"),
                QObject::tr("in the flamegraph: zoom the time axis around the pointer"));
    html += row(QObject::tr("Shift+Wheel, drag"), QObject::tr("in the flamegraph: pan along the time axis"));
    html += row(QObject::tr("Double-click"), QObject::tr("in the flamegraph: zoom to the frame"));
    html += QStringLiteral("</table>");
    return html;
}

QString firstInvestigationHtml()
{
    return QObject::tr(
        "<h2>A first investigation</h2><ol>"
        "<li><b>Open data.</b> File &gt; Open Demo Investigation, or File &gt; Open… / drop browser RUM "
        "(OTLP, Datadog RUM, Faro, HAR) and backend traces (OTLP, Jaeger, Zipkin) on the window. They are "
        "imported into one investigation file and linked by trace ids.</li>"
        "<li><b>Find the bad page loads.</b> The Load Times scatter shows every page load; drag across it to "
        "brush a time range. Narrow the table with a filter such as <code>route:/checkout "
        "duration&gt;2s</code> "
        "(Help &gt; Filter Syntax) and sort by load time.</li>"
        "<li><b>Open one.</b> Click a row: the Session strip shows the user's journey, the Waterfall the "
        "page's resources and backend calls, the Flamegraph the backend traces those calls caused, and "
        "Service Rates how each service behaved around that moment.</li>"
        "<li><b>Follow the time.</b> Click the widest frames in the flamegraph (Ctrl+wheel zooms, Ctrl+F "
        "searches); Details shows the span, Errors what failed. Back and Forward (Alt+Left/Right) walk "
        "your steps.</li>"
        "<li><b>Arrange the panes.</b> View &gt; Panes shows and hides them; drag a pane's title to move it "
        "or stack it as a tab; F6 and Alt+1…9 move the keyboard between them.</li></ol>");
}

QString aboutHtml()
{
    const int protobuf = GOOGLE_PROTOBUF_VERSION;
    const QString protobufVersion =
        QStringLiteral("%1.%2.%3").arg(protobuf / 1000000).arg(protobuf / 1000 % 1000).arg(protobuf % 1000);
    return QObject::tr("<h2>Seam %1</h2><p>Investigate slow page loads across browser RUM and backend "
                       "traces.</p><table>")
               .arg(escaped(QApplication::applicationVersion())) +
           row(QStringLiteral("Qt"), QString::fromLatin1(qVersion())) +
           row(QStringLiteral("SQLite"), QString::fromLatin1(sqlite3_libversion())) +
           row(QStringLiteral("protobuf"), protobufVersion) +
           // The project has not declared a licence yet (no LICENSE file, none in the package or the
           // AppStream data): say so rather than guess one.
           row(QObject::tr("Licence"), QObject::tr("not yet declared by the project")) +
           QStringLiteral("</table>");
}

void showHelpPage(QWidget* parent, const QString& title, const QString& html)
{
    const QString name = QStringLiteral("help:") + title;
    if (auto* open = parent->findChild<QDialog*>(name)) {
        open->raise();
        open->activateWindow();
        return;
    }
    auto* dialog = new QDialog(parent);
    dialog->setObjectName(name);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(title);
    auto* browser = new QTextBrowser;
    browser->setOpenExternalLinks(true);
    browser->setHtml(html);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(browser);
    layout->addWidget(buttons);
    // Fits a 1280x800 laptop with room to spare.
    dialog->resize(760, 600);
    dialog->show();
}

} // namespace seam
