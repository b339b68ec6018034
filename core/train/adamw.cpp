#include "core/train/adamw.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace tunesmith::train {

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWOptions options,
             std::set<std::string> no_decay)
    : params_(std::move(params)), o_(options) {
  for (const auto& [name, p] : params_) {
    exp_avg_.push_back(at::zeros_like(p, p.options().dtype(at::kFloat)));
    exp_avg_sq_.push_back(at::zeros_like(p, p.options().dtype(at::kFloat)));
    decay_.push_back(no_decay.count(name) == 0);
  }
}

void AdamW::step(double lr) {
  at::NoGradGuard no_grad;
  ++t_;
  const double bc1 = 1.0 - std::pow(o_.beta1, static_cast<double>(t_));
  const double bc2 = 1.0 - std::pow(o_.beta2, static_cast<double>(t_));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    at::Tensor p = params_[i].second;
    const at::Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    at::Tensor g = grad.to(at::kFloat);
    if (decay_[i] && o_.weight_decay != 0) p.mul_(1.0 - lr * o_.weight_decay);
    exp_avg_[i].mul_(o_.beta1).add_(g, 1.0 - o_.beta1);
    exp_avg_sq_[i].mul_(o_.beta2).addcmul_(g, g, 1.0 - o_.beta2);
    at::Tensor denom = (exp_avg_sq_[i].sqrt() / std::sqrt(bc2)).add_(o_.eps);
    at::Tensor update = exp_avg_[i] / denom * (lr / bc1);
    p.sub_(update.to(p.scalar_type()));
  }
}

void AdamW::zero_grad() {
  for (auto& [name, p] : params_)
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
}

std::vector<std::pair<std::string, at::Tensor>> AdamW::state_tensors() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("exp_avg." + params_[i].first, exp_avg_[i].cpu());
    out.emplace_back("exp_avg_sq." + params_[i].first, exp_avg_sq_[i].cpu());
  }
  return out;
}

void AdamW::load_state(const std::map<std::string, at::Tensor>& tensors, std::int64_t steps) {
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    for (auto [key, dst] : {std::pair{"exp_avg." + params_[i].first, &exp_avg_[i]},
                            std::pair{"exp_avg_sq." + params_[i].first, &exp_avg_sq_[i]}}) {
      auto it = tensors.find(key);
      if (it == tensors.end()) throw std::runtime_error("optimizer state: tensor " + key + " is missing");
      if (it->second.sizes() != dst->sizes())
        throw std::runtime_error("optimizer state: tensor " + key + " has shape " + c10::str(it->second.sizes()) +
                                 ", expected " + c10::str(dst->sizes()));
      dst->copy_(it->second);
    }
  }
  t_ = steps;
}

double grad_norm(const std::vector<at::Tensor>& params) {
  double sum = 0;
  for (const at::Tensor& p : params)
    if (p.grad().defined()) sum += p.grad().to(at::kDouble).pow(2).sum().item<double>();
  return std::sqrt(sum);
}

double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm) {
  const double norm = grad_norm(params);
  if (max_norm > 0 && norm > max_norm && std::isfinite(norm)) {
    at::NoGradGuard no_grad;
    const double coef = max_norm / (norm + 1e-6);
    for (const at::Tensor& p : params)
      if (p.grad().defined()) p.grad().mul_(coef);
  }
  return norm;
}

}  // namespace tunesmith::train
