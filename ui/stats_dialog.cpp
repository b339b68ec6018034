#include "ui/stats_dialog.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLocale>
#include <QTextBrowser>
#include <QValueAxis>
#include <QVBoxLayout>

#include "core/data/stats.h"

namespace tunesmith::ui {

namespace {

QString number(std::uint64_t n) { return QLocale().toString(qulonglong(n)); }

}  // namespace

StatsDialog::StatsDialog(const data::Dataset& dataset, const data::TokenCounter* counter, const QString& counter_name,
                         QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Dataset Statistics"));
  setObjectName(QStringLiteral("statsDialog"));
  data::StatsOptions options;
  options.tokens = counter;
  const data::DatasetStats stats = data::compute_stats(dataset, options);
  const std::vector<data::HistogramBin> bins = data::length_histogram(stats);

  auto* layout = new QVBoxLayout(this);
  auto* summary = new QLabel;
  summary->setObjectName(QStringLiteral("statsSummary"));
  summary->setWordWrap(true);
  summary->setTextFormat(Qt::PlainText);
  const QString label = stats.estimated ? tr("estimated tokens (about 4 bytes a token)") : tr("tokens (%1)").arg(counter_name);
  QStringList lines;
  lines << tr("%1 examples, %2 messages (%3 to %4 per example).")
               .arg(number(stats.examples), number(stats.messages_total), number(stats.messages_min),
                    number(stats.messages_max));
  lines << tr("Lengths in %1: median %2, 95th percentile %3, longest %4; %5 in all, %6 of them in answers.")
               .arg(label, number(stats.percentile(50)), number(stats.percentile(95)), number(stats.percentile(100)),
                    number(stats.total_tokens), number(stats.assistant_tokens()));
  lines << (stats.truncated ? tr("%1 examples are longer than the limit of %2 tokens and would be cut.")
                                  .arg(number(stats.truncated), number(stats.max_tokens))
                            : tr("No example is longer than the limit of %1 tokens.").arg(number(stats.max_tokens)));
  summary->setText(lines.join(QLatin1Char('\n')));
  layout->addWidget(summary);

  // The histogram: one bar per power-of-two bin of example tokens.
  auto* set = new QBarSet(tr("Examples"));
  QStringList categories;
  int highest = 0;
  for (const auto& bin : bins) {
    *set << static_cast<qreal>(bin.count);
    categories << QStringLiteral("%1–%2").arg(number(bin.low), number(bin.high));
    highest = std::max(highest, static_cast<int>(bin.count));
  }
  auto* series = new QBarSeries;
  series->append(set);
  series->setLabelsVisible(true);
  auto* chart = new QChart;
  chart->addSeries(series);
  chart->setTitle(tr("Example length in %1").arg(stats.estimated ? tr("estimated tokens") : tr("tokens")));
  chart->legend()->hide();
  auto* x = new QBarCategoryAxis;
  x->append(categories);
  x->setTitleText(tr("Tokens per example"));
  chart->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  auto* y = new QValueAxis;
  y->setRange(0, std::max(1, highest) * 1.15);  // room for the bar labels
  y->setLabelFormat(QStringLiteral("%d"));
  y->setTitleText(tr("Examples"));
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  chart->setBackgroundBrush(palette().base());
  chart->setTitleBrush(palette().text());
  x->setLabelsBrush(palette().text());
  y->setLabelsBrush(palette().text());
  x->setTitleBrush(palette().text());
  y->setTitleBrush(palette().text());
  auto* view = new QChartView(chart);
  view->setObjectName(QStringLiteral("lengthHistogram"));
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(560, 300);
  layout->addWidget(view, 1);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(760, 520);
}

}  // namespace tunesmith::ui
