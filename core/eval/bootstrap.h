#pragma once
// Percentile bootstrap of a mean: resample the values with replacement `resamples`
// times, take the 2.5th and 97.5th percentiles of the resampled means. Seeded and
// platform-independent (mt19937_64 with our own index draw: std::uniform_int_distribution
// differs between standard libraries), so a summary is reproducible everywhere.
#include <cstdint>
#include <vector>

namespace tunesmith::eval {

struct MeanCI {
  double mean = 0;
  double low = 0, high = 0;  // the 95% interval
  std::size_t n = 0;
};

inline constexpr int kBootstrapResamples = 1000;

// n = 0 gives all zeros; n = 1 gives [v, v].
MeanCI bootstrap_mean_ci(const std::vector<double>& values, std::uint64_t seed, int resamples = kBootstrapResamples);

}  // namespace tunesmith::eval
