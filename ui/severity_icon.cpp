#include "ui/severity_icon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <array>

namespace tunesmith::ui {
using data::Severity;

QColor severity_color(Severity severity) {
  switch (severity) {
    case Severity::Error: return QColor(0xd3, 0x2f, 0x2f);
    case Severity::Warning: return QColor(0xe6, 0x9a, 0x00);
    case Severity::Note: return QColor(0x19, 0x76, 0xd2);
  }
  return QColor(0xd3, 0x2f, 0x2f);
}

QString severity_label(Severity severity) {
  switch (severity) {
    case Severity::Error: return QStringLiteral("Error");
    case Severity::Warning: return QStringLiteral("Warning");
    case Severity::Note: return QStringLiteral("Note");
  }
  return QStringLiteral("Error");
}

namespace {

QPixmap paint_badge(Severity severity, int size) {
  QPixmap pixmap(size, size);
  pixmap.fill(Qt::transparent);
  QPainter p(&pixmap);
  p.setRenderHint(QPainter::Antialiasing);
  const QRectF box(0.5, 0.5, size - 1.0, size - 1.0);
  p.setPen(Qt::NoPen);
  p.setBrush(severity_color(severity));
  if (severity == Severity::Warning) {
    QPainterPath triangle;
    triangle.moveTo(box.center().x(), box.top() + size * 0.04);
    triangle.lineTo(box.right(), box.bottom() - size * 0.04);
    triangle.lineTo(box.left(), box.bottom() - size * 0.04);
    triangle.closeSubpath();
    p.drawPath(triangle);
  } else {
    p.drawEllipse(box.adjusted(size * 0.04, size * 0.04, -size * 0.04, -size * 0.04));
  }
  // The glyph: "!" for errors and warnings, "i" for notes, drawn as strokes so it does
  // not depend on fonts.
  QPen pen(Qt::white, size * 0.13, Qt::SolidLine, Qt::RoundCap);
  p.setPen(pen);
  const double x = box.center().x();
  if (severity == Severity::Note) {
    p.drawLine(QPointF(x, size * 0.46), QPointF(x, size * 0.74));
    p.drawPoint(QPointF(x, size * 0.28));
  } else {
    const double top = severity == Severity::Warning ? 0.36 : 0.26;
    const double bottom = severity == Severity::Warning ? 0.62 : 0.56;
    p.drawLine(QPointF(x, size * top), QPointF(x, size * bottom));
    p.drawPoint(QPointF(x, size * (bottom + 0.17)));
  }
  return pixmap;
}

}  // namespace

QIcon severity_icon(Severity severity) {
  static std::array<QIcon, 3> icons;
  QIcon& icon = icons[static_cast<std::size_t>(severity)];
  if (icon.isNull()) {
    for (int size : {16, 24, 32, 48}) icon.addPixmap(paint_badge(severity, size));
  }
  return icon;
}

}  // namespace tunesmith::ui
