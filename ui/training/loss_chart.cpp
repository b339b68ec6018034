#include "ui/training/loss_chart.h"

#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace tunesmith::ui {

namespace {

// Overlay colours, distinct from the main run's blue/orange.
const QColor kOverlayColors[] = {QColor(0x2e, 0x7d, 0x32), QColor(0x6a, 0x1b, 0x9a), QColor(0x00, 0x83, 0x8f),
                                 QColor(0xad, 0x14, 0x57), QColor(0x5d, 0x40, 0x37)};

}  // namespace

LossChart::LossChart(QWidget* parent) : QChartView(parent) {
  setObjectName(QStringLiteral("lossChart"));
  setRenderHint(QPainter::Antialiasing);
  auto* chart = new QChart;
  chart->setMargins(QMargins(4, 4, 4, 4));
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setBackgroundRoundness(0);

  raw_ = new QLineSeries;
  raw_->setName(tr("loss"));
  QColor blue(0x1e, 0x63, 0xc8);
  QColor light = blue;
  light.setAlpha(90);
  raw_->setPen(QPen(light, 1));
  smooth_ = new QLineSeries;
  smooth_->setName(tr("loss (smoothed)"));
  smooth_->setPen(QPen(blue, 2.5));
  val_ = new QScatterSeries;
  val_->setName(tr("validation loss"));
  val_->setMarkerSize(9);
  val_->setColor(QColor(0xe6, 0x6a, 0x00));
  val_->setBorderColor(QColor(0xe6, 0x6a, 0x00));
  lr_ = new QLineSeries;
  lr_->setName(tr("learning rate"));
  lr_->setPen(QPen(QColor(0x75, 0x75, 0x75), 1.2, Qt::DashLine));

  x_ = new QValueAxis;
  x_->setTitleText(tr("step"));
  x_->setLabelFormat(QStringLiteral("%d"));
  y_ = new QValueAxis;
  y_->setTitleText(tr("loss"));
  y_->setLabelFormat(QStringLiteral("%.2f"));
  lrAxis_ = new QValueAxis;
  lrAxis_->setTitleText(tr("learning rate"));
  lrAxis_->setLabelFormat(QStringLiteral("%.0e"));
  chart->addAxis(x_, Qt::AlignBottom);
  chart->addAxis(y_, Qt::AlignLeft);
  chart->addAxis(lrAxis_, Qt::AlignRight);
  for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(raw_), static_cast<QAbstractSeries*>(smooth_),
                             static_cast<QAbstractSeries*>(val_)}) {
    chart->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
  }
  chart->addSeries(lr_);
  lr_->attachAxis(x_);
  lr_->attachAxis(lrAxis_);
  setChart(chart);
  rescale();
}

void LossChart::setRun(const QString& name, const RunMetrics& m) {
  chart()->setTitle(name);
  QList<QPointF> raw, smooth, val, lr;
  std::vector<double> losses;
  for (const auto& p : m.steps) losses.push_back(p.loss);
  const std::vector<double> s = ema(losses, kSmoothing);
  empty_ = true;
  emaValue_ = 0;
  emaDebias_ = 1;
  maxLr_ = 0;
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    const auto& p = m.steps[i];
    const double x = static_cast<double>(p.step);
    raw << QPointF(x, p.loss);
    smooth << QPointF(x, s[i]);
    if (p.lr) {
      lr << QPointF(x, *p.lr);
      maxLr_ = std::max(maxLr_, *p.lr);
    }
    extend(x, p.loss);
    emaValue_ = kSmoothing * emaValue_ + (1 - kSmoothing) * p.loss;
    emaDebias_ *= kSmoothing;
  }
  for (const auto& e : m.evals) {
    val << QPointF(static_cast<double>(e.step), e.val_loss);
    extend(static_cast<double>(e.step), e.val_loss);
  }
  // replace() repaints once, where append() per point would repaint each time.
  raw_->replace(raw);
  smooth_->replace(smooth);
  val_->replace(val);
  lr_->replace(lr);
  rescale();
}

void LossChart::addStep(const StepPoint& p) {
  const double x = static_cast<double>(p.step);
  // A resumed run reports again from its checkpoint: drop what it recomputes.
  auto trim = [x](QXYSeries* s) {
    while (s->count() > 0 && s->at(s->count() - 1).x() >= x) s->remove(s->count() - 1);
  };
  if (raw_->count() > 0 && raw_->at(raw_->count() - 1).x() >= x) {
    trim(raw_);
    trim(smooth_);
    trim(lr_);
    // The running EMA restarts from the kept points.
    emaValue_ = 0;
    emaDebias_ = 1;
    for (int i = 0; i < raw_->count(); ++i) {
      emaValue_ = kSmoothing * emaValue_ + (1 - kSmoothing) * raw_->at(i).y();
      emaDebias_ *= kSmoothing;
    }
  }
  emaValue_ = kSmoothing * emaValue_ + (1 - kSmoothing) * p.loss;
  emaDebias_ *= kSmoothing;
  raw_->append(x, p.loss);
  smooth_->append(x, emaValue_ / (1 - emaDebias_));
  if (p.lr) {
    lr_->append(x, *p.lr);
    maxLr_ = std::max(maxLr_, *p.lr);
  }
  extend(x, p.loss);
  rescale();
}

void LossChart::addEval(const EvalPoint& p) {
  const double x = static_cast<double>(p.step);
  while (val_->count() > 0 && val_->at(val_->count() - 1).x() >= x) val_->remove(val_->count() - 1);
  val_->append(x, p.val_loss);
  extend(x, p.val_loss);
  rescale();
}

void LossChart::addOverlay(const QString& name, const RunMetrics& m) {
  const QColor color = kOverlayColors[overlays_.size() % std::size(kOverlayColors)];
  std::vector<double> losses;
  for (const auto& p : m.steps) losses.push_back(p.loss);
  const std::vector<double> s = ema(losses, kSmoothing);
  QList<QPointF> points;
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    points << QPointF(static_cast<double>(m.steps[i].step), s[i]);
    extend(static_cast<double>(m.steps[i].step), m.steps[i].loss);
  }
  auto* line = new QLineSeries;
  line->setName(tr("%1 (smoothed)").arg(name));
  line->setPen(QPen(color, 2, Qt::DashLine));
  line->replace(points);
  chart()->addSeries(line);
  line->attachAxis(x_);
  line->attachAxis(y_);
  overlays_.push_back(line);
  if (!m.evals.empty()) {
    auto* val = new QScatterSeries;
    val->setName(tr("%1 validation").arg(name));
    val->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    val->setMarkerSize(8);
    val->setColor(color);
    val->setBorderColor(color);
    for (const auto& e : m.evals) {
      val->append(static_cast<double>(e.step), e.val_loss);
      extend(static_cast<double>(e.step), e.val_loss);
    }
    chart()->addSeries(val);
    val->attachAxis(x_);
    val->attachAxis(y_);
    overlays_.push_back(val);
  }
  rescale();
}

void LossChart::clearOverlays() {
  for (QXYSeries* s : overlays_) {
    chart()->removeSeries(s);
    delete s;
  }
  overlays_.clear();
}

int LossChart::lossPointCount() const { return raw_->count(); }
int LossChart::evalPointCount() const { return val_->count(); }

void LossChart::extend(double x, double y) {
  if (empty_) {
    minY_ = maxY_ = y;
    maxX_ = std::max(1.0, x);
    empty_ = false;
    return;
  }
  maxX_ = std::max(maxX_, x);
  minY_ = std::min(minY_, y);
  maxY_ = std::max(maxY_, y);
}

void LossChart::rescale() {
  if (empty_) {
    x_->setRange(0, 10);
    y_->setRange(0, 1);
  } else {
    x_->setRange(0, std::max(maxX_, 1.0));
    const double pad = std::max(0.05 * (maxY_ - minY_), 1e-3);
    y_->setRange(std::max(0.0, minY_ - pad), maxY_ + pad);
  }
  lrAxis_->setRange(0, maxLr_ > 0 ? maxLr_ * 1.1 : 1e-3);
  lrAxis_->setVisible(maxLr_ > 0);
}

}  // namespace tunesmith::ui
