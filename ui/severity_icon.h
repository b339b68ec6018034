#pragma once
// The severity accents: the only colors the UI sets itself; everything else follows
// the system palette.
#include <QColor>
#include <QIcon>
#include <QString>

#include "core/data/finding.h"

namespace tunesmith::ui {

QColor severity_color(data::Severity severity);
// A small painted badge: a red disc for errors, an amber triangle for warnings, a blue
// disc for notes. Works without an icon theme (offscreen, Xvfb, any desktop).
QIcon severity_icon(data::Severity severity);
QString severity_label(data::Severity severity);  // "Error", "Warning", "Note"

}  // namespace tunesmith::ui
