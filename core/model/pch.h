#pragma once
// Precompiled header of the torch-heavy targets (model library, its tests, benchmarks).
#include <torch/torch.h>
