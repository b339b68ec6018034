#include "ui/conversation_preview.h"

#include <QEvent>
#include <QPalette>

#include "ui/dataset_document.h"
#include "ui/severity_icon.h"

namespace tunesmith::ui {

namespace {

// A message longer than this is cut in the preview (the editor shows all of it).
constexpr std::size_t kMaxMessageBytes = 32 * 1024;

QString mix(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                          float(a.blueF() * (1 - t) + b.blueF() * t))
      .name();
}

QString escaped_text(const std::string& text) {
  const bool cut = text.size() > kMaxMessageBytes;
  QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(cut ? kMaxMessageBytes : text.size()));
  if (cut && s.endsWith(QChar::ReplacementCharacter)) s.chop(1);
  QString html = s.toHtmlEscaped();
  if (cut) {
    html += QStringLiteral("<i> %1</i>").arg(ConversationPreview::tr("… (%1 more bytes)").arg(text.size() - kMaxMessageBytes));
  }
  return html;
}

struct RoleStyle {
  QString label_color;
  QString background;
};

RoleStyle role_style(const std::string& role, const QPalette& pal) {
  const QColor base = pal.color(QPalette::Base);
  if (role == "assistant") return {pal.color(QPalette::Highlight).name(), mix(base, pal.color(QPalette::Highlight), 0.10)};
  if (role == "user") return {pal.color(QPalette::Text).name(), pal.color(QPalette::AlternateBase).name()};
  if (role == "system" || role == "developer")
    return {pal.color(QPalette::PlaceholderText).name(), mix(base, pal.color(QPalette::Window), 0.6)};
  return {pal.color(QPalette::Link).name(), mix(base, pal.color(QPalette::Link), 0.08)};
}

}  // namespace

ConversationPreview::ConversationPreview(QWidget* parent) : QTextBrowser(parent) {
  setReadOnly(true);
  setOpenLinks(false);
  setUndoRedoEnabled(false);
  document()->setDocumentMargin(10);
  showPlaceholder(tr("Select an example to see its conversation."));
}

void ConversationPreview::showExample(const data::Conversation& example, std::size_t index, std::size_t line,
                                      std::vector<data::Finding> findings) {
  shown_ = Shown{example, index, line, std::move(findings)};
  placeholder_.clear();
  render();
}

void ConversationPreview::showPlaceholder(const QString& text) {
  shown_.reset();
  placeholder_ = text;
  render();
}

void ConversationPreview::changeEvent(QEvent* event) {
  QTextBrowser::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) render();
}

void ConversationPreview::render() {
  const QPalette pal = palette();
  const QString dim = pal.color(QPalette::PlaceholderText).name();
  if (!shown_) {
    setHtml(QStringLiteral("<p style=\"color:%1\">%2</p>").arg(dim, placeholder_.toHtmlEscaped()));
    return;
  }
  const data::Conversation& ex = shown_->example;
  const std::size_t count = ex.message_count();
  QString html;
  html += QStringLiteral("<p style=\"margin-bottom:2px\"><b>%1</b></p>").arg(tr("Example %1").arg(shown_->index + 1));
  QStringList facts;
  if (shown_->line) facts << tr("line %1").arg(shown_->line);
  facts << (count == 1 ? tr("1 message") : tr("%1 messages").arg(count));
  facts << tr("~%1 tokens").arg(estimated_tokens(ex));
  html += QStringLiteral("<p style=\"color:%1; margin-top:0px; margin-bottom:8px\">%2</p>")
              .arg(dim, facts.join(QStringLiteral(" \u00b7 ")).toHtmlEscaped());

  for (const auto& f : shown_->findings) {
    html += QStringLiteral("<p style=\"margin-top:0px; margin-bottom:4px\"><span style=\"color:%1; font-weight:600\">"
                           "%2</span> [%3] %4</p>")
                .arg(severity_color(f.severity).name(), severity_label(f.severity).toHtmlEscaped(),
                     QString::fromStdString(f.category).toHtmlEscaped(),
                     QString::fromStdString(f.message).toHtmlEscaped());
  }
  if (!ex.has_message_list()) {
    html += QStringLiteral("<p style=\"color:%1\"><i>%2</i></p>").arg(dim, tr("This example has no list of messages."));
  }

  for (std::size_t i = 0; i < count; ++i) {
    const data::Json& m = ex.message(i);
    const std::string role = ex.role(i);
    const RoleStyle style = role_style(role, pal);
    QString label = role.empty() ? tr("(no role)") : QString::fromStdString(role).toUpper().toHtmlEscaped();
    QStringList extras;
    if (m.is_object()) {
      if (auto it = m.find("name"); it != m.end() && it->is_string())
        extras << QString::fromStdString(it->get<std::string>()).toHtmlEscaped();
      if (auto it = m.find("weight"); it != m.end() && it->is_number())
        extras << tr("weight %1").arg(it->get<double>());
    }
    html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"8\" bgcolor=\"%1\" "
                           "style=\"margin-top:6px\"><tr><td>")
                .arg(style.background);
    html += QStringLiteral("<p style=\"margin:0px\"><span style=\"color:%1; font-size:small; font-weight:700\">%2</span>")
                .arg(style.label_color, label);
    if (!extras.isEmpty())
      html += QStringLiteral("<span style=\"color:%1; font-size:small\"> \u00b7 %2</span>").arg(dim, extras.join(" \u00b7 "));
    html += QStringLiteral("</p>");
    const std::string text = ex.text(i);
    if (!text.empty()) {
      html += QStringLiteral("<p style=\"margin-top:4px; margin-bottom:0px; white-space:pre-wrap\">%1</p>")
                  .arg(escaped_text(text));
    }
    if (m.is_object()) {
      for (const char* key : {"tool_calls", "function_call"}) {
        auto it = m.find(key);
        if (it == m.end() || it->is_null()) continue;
        html += QStringLiteral("<pre style=\"margin-top:4px; margin-bottom:0px\">%1</pre>")
                    .arg(escaped_text(it->dump(2, ' ', false, data::Json::error_handler_t::replace)));
      }
    }
    if (text.empty() && !(m.is_object() && (m.contains("tool_calls") || m.contains("function_call")))) {
      html += QStringLiteral("<p style=\"color:%1; margin-top:4px; margin-bottom:0px\"><i>%2</i></p>")
                  .arg(dim, tr("(no text)"));
    }
    html += QStringLiteral("</td></tr></table>");
  }
  setHtml(html);
}

}  // namespace tunesmith::ui
