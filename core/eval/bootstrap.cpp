#include "core/eval/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace tunesmith::eval {
namespace {

// Linear interpolation between order statistics (numpy's default "linear" method).
double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

MeanCI bootstrap_mean_ci(const std::vector<double>& values, std::uint64_t seed, int resamples) {
  MeanCI r;
  r.n = values.size();
  if (values.empty()) return r;
  r.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  if (values.size() == 1 || resamples <= 0) {
    r.low = r.high = r.mean;
    return r;
  }
  std::mt19937_64 rng(seed);
  const std::uint64_t n = values.size();
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (double& m : means) {
    double sum = 0;
    // The modulo bias is below 2^-40 for any realistic n; what matters is that the
    // draw is the same on every platform.
    for (std::uint64_t i = 0; i < n; ++i) sum += values[rng() % n];
    m = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  r.low = percentile(means, 0.025);
  r.high = percentile(means, 0.975);
  return r;
}

}  // namespace tunesmith::eval
