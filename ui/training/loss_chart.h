#pragma once
// The run view's chart (QtCharts): training loss raw (thin) and EMA-smoothed (bold),
// validation loss (points), and the learning rate on a right-hand axis. Other runs can
// be overlaid (their smoothed and validation curves, dashed) to compare.
#include <QChartView>

#include <vector>

#include "ui/training/run_metrics.h"

class QLineSeries;
class QXYSeries;
class QScatterSeries;
class QValueAxis;

namespace tunesmith::ui {

class LossChart final : public QChartView {
  Q_OBJECT

 public:
  // Smoothing of the bold curve (ema()); 0.9 shows the trend over about 10 steps.
  static constexpr double kSmoothing = 0.9;

  explicit LossChart(QWidget* parent = nullptr);

  // The main run: replaces its curves.
  void setRun(const QString& name, const RunMetrics& metrics);
  // Live points of the main run (the job's events).
  void addStep(const StepPoint& p);
  void addEval(const EvalPoint& p);

  // Overlays: a finished or running run beside the main one.
  void addOverlay(const QString& name, const RunMetrics& metrics);
  void clearOverlays();
  int overlayCount() const { return static_cast<int>(overlays_.size()); }

  // Points on the main run's curves (the tests look at these).
  int lossPointCount() const;
  int evalPointCount() const;

 private:
  void rescale();
  void extend(double x, double y);

  QLineSeries* raw_ = nullptr;
  QLineSeries* smooth_ = nullptr;
  QScatterSeries* val_ = nullptr;
  QLineSeries* lr_ = nullptr;
  QValueAxis* x_ = nullptr;
  QValueAxis* y_ = nullptr;
  QValueAxis* lrAxis_ = nullptr;
  std::vector<QXYSeries*> overlays_;
  // Running EMA state of the main run, so live points extend the curve in O(1).
  double emaValue_ = 0, emaDebias_ = 1;
  double maxX_ = 1, minY_ = 0, maxY_ = 1, maxLr_ = 0;
  bool empty_ = true;
};

}  // namespace tunesmith::ui
