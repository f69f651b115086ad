#include "imagery/volume/mip.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "imagery/core/error.h"

namespace imagery::volume {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

bool same_resolution(const Vec3d& a, const Vec3d& b) {
  for (int d = 0; d < 3; ++d)
    if (!(std::fabs(a[d] - b[d]) <= 1e-6 * std::max(1.0, std::fabs(b[d])))) return false;
  return true;
}

}  // namespace

std::string MipSelector::to_string() const {
  if (const int* i = std::get_if<int>(&choice)) return std::to_string(*i);
  if (const Vec3d* r = std::get_if<Vec3d>(&choice))
    return number_text(r->x) + "," + number_text(r->y) + "," + number_text(r->z);
  return "";
}

MipSelector MipSelector::parse(const std::string& raw) {
  const std::string text = trim(raw);
  if (text.empty()) return {};
  auto bad = [&] {
    fail(ErrorCode::kInvalidArgument,
         "'" + raw + "' is neither a mip index nor a resolution RX,RY,RZ in nm");
  };
  if (text.find(',') == std::string::npos) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) bad();
    if (v < 0 || v > 1000) fail(ErrorCode::kNotFound, "there is no mip " + text);
    return index(static_cast<int>(v));
  }
  Vec3d r;
  std::size_t start = 0;
  for (int d = 0; d < 3; ++d) {
    const std::size_t comma = text.find(',', start);
    if ((d < 2) != (comma != std::string::npos)) bad();
    const std::string part =
        trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), r[d]);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() ||
        !std::isfinite(r[d]) || r[d] <= 0)
      bad();
    start = comma + 1;
  }
  return resolution(r);
}

int select_mip(const Metadata& m, const MipSelector& selector) {
  if (selector.is_default()) return m.default_mip;
  if (const int* i = std::get_if<int>(&selector.choice)) {
    m.scale(*i);  // throws for a mip the volume lacks
    return *i;
  }
  const Vec3d& r = std::get<Vec3d>(selector.choice);
  for (std::size_t i = 0; i < m.scales.size(); ++i)
    if (same_resolution(m.scales[i].resolution, r)) return static_cast<int>(i);
  if (selector.nearest) return nearest_mip(m, r);
  std::string have;
  for (const auto& s : m.scales) have += (have.empty() ? "" : ", ") + s.resolution.to_string();
  fail(ErrorCode::kNotFound,
       m.url + " has no scale at resolution " + selector.to_string() + " nm (it has " + have + ")");
}

int nearest_mip(const Metadata& m, const Vec3d& r) {
  int best = m.default_mip;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < m.scales.size(); ++i) {
    if (!m.scales[i].usable) continue;
    double cost = 0;
    for (int d = 0; d < 3; ++d) cost += std::fabs(std::log(m.scales[i].resolution[d] / r[d]));
    if (cost < best_cost - 1e-12) {
      best_cost = cost;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace imagery::volume
