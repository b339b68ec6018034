#pragma once
// Small helpers shared by the main window's source files (not a public header).
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QString>

#include <cstddef>
#include <optional>

#include "core/data/import.h"

namespace tunesmith::ui::detail {

inline constexpr std::size_t npos = std::size_t(-1);

// "1 example", "2,048 examples".
inline QString plural(std::size_t n, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(QLocale().toString(qulonglong(n)), QLatin1String(n == 1 ? one : many));
}

// The import format of a file, from its extension (JSONL: OpenAI chat; .json: Alpaca
// or ShareGPT, told apart by its records).
inline std::optional<data::ImportFormat> format_of(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv")) return data::ImportFormat::Csv;
  if (suffix == QLatin1String("jsonl")) return data::ImportFormat::OpenAi;
  if (suffix == QLatin1String("json")) {
    // ShareGPT records have "conversations"; Alpaca ones "instruction".
    QFile f(path);
    if (f.open(QIODevice::ReadOnly) && f.read(1 << 16).contains("\"conversations\"")) return data::ImportFormat::ShareGpt;
    return data::ImportFormat::Alpaca;
  }
  return std::nullopt;
}

}  // namespace tunesmith::ui::detail
