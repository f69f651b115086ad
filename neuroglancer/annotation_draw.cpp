#include "imagery/neuroglancer/annotation_draw.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>

namespace imagery::neuroglancer {

namespace {

// The GPU computes in float32; rounding each step the way the shader writes it keeps the 8-bit
// results on the same side of .5 ties as SwiftShader in all but a few pixels.
using F = float;

F clamp01(F x) {
  return std::min(F(1), std::max(F(0), x));
}

struct Rgba {
  F r = 0, g = 0, b = 0, a = 0;
};

// Blending with (SRC_ALPHA, ONE_MINUS_SRC_ALPHA) into an RGBA8 target (sliceview/panel.ts
// bindFramebuffer), as SwiftShader does it: the stored byte is read back as byte / 255 in
// float32, each product rounded to float32, the sum clamped and rounded half to even.
class Blender {
 public:
  explicit Blender(overlay::Image& picture) : picture_(picture) {}

  void blend(int i, int j, const Rgba& c) {
    if (i < 0 || j < 0 || i >= static_cast<int>(picture_.width) ||
        j >= static_cast<int>(picture_.height))
      return;
    if (!(c.a > 0)) return;  // a zero alpha leaves every byte as it was
    std::uint8_t* p = picture_.pixel(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
    const F a = c.a, keep = F(1) - a;
    const F src[4] = {c.r, c.g, c.b, c.a};
    const int channels = std::min(picture_.channels, 4);
    for (int k = 0; k < channels; ++k) {
      const F dst = F(F(p[k] * 257) * F(1.0 / 65535.0));
      const F out = F(F(src[k] * a) + F(dst * keep));
      p[k] = static_cast<std::uint8_t>(std::nearbyint(F(clamp01(out) * F(255))));
    }
  }

 private:
  overlay::Image& picture_;
};

struct Vec2 {
  double x = 0, y = 0;
};

// The values a vertex shader hands to the fragment shader (varyings), interpolated per pixel.
// Constant ones are interpolated too, as the GPU does (no case showed them off 1 exactly).
constexpr int kVaryings = 4;
using Varyings = std::array<double, kVaryings>;
using Fragment = std::function<void(int, int, const Varyings&)>;

// SwiftShader places vertices on a grid of 1/16 pixel before rasterising (its subpixel precision);
// a point at x.1 is drawn as if at x.125, which moves feathered edges by a visible step.
double snap(double v) {
  return std::nearbyint(v * 16) / 16;
}

// Rasterises one triangle of window positions p[k] carrying values[k] and calls
// fragment(i, j, values) for every covered pixel centre with the values interpolated at it. A
// centre exactly on an edge belongs to the primitive on its right and, across a horizontal edge,
// to the one above on screen (the rule SwiftShader showed for volume quads; see the doc).
void rasterize_triangle(const Vec2 (&p)[3], const Varyings (&values)[3], int width, int height,
                        const Fragment& fragment) {
  const double det = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[1].y - p[0].y) * (p[2].x - p[0].x);
  if (det == 0 || !std::isfinite(det)) return;
  const double sg = det > 0 ? 1 : -1;
  const double xmin = std::min({p[0].x, p[1].x, p[2].x}), xmax = std::max({p[0].x, p[1].x, p[2].x});
  const double ymin = std::min({p[0].y, p[1].y, p[2].y}), ymax = std::max({p[0].y, p[1].y, p[2].y});
  const int i0 = std::max(0, static_cast<int>(std::floor(xmin - 0.5)));
  const int i1 = std::min(width - 1, static_cast<int>(std::ceil(xmax)));
  const int j0 = std::max(0, static_cast<int>(std::floor(ymin - 0.5)));
  const int j1 = std::min(height - 1, static_cast<int>(std::ceil(ymax)));
  // Edge k runs from p[k] to p[k+1]; its outward normal, and whether it owns centres on it.
  bool owns[3];
  for (int k = 0; k < 3; ++k) {
    const Vec2& a = p[k];
    const Vec2& b = p[(k + 1) % 3];
    const double nx = sg * (b.y - a.y), ny = -sg * (b.x - a.x);
    owns[k] = nx < 0 || (nx == 0 && ny > 0);
  }
  // Interpolation as SwiftShader sets it up (src/Pipeline/SetupRoutine.cpp): fixed-point
  // vertices shifted by half a pixel so that pixel centres are integers, plane equations relative
  // to a first vertex from the reciprocal of the doubled area, all in float32, evaluated as
  // (C + y * B) + x * A on 2x2 quads and multiplied by the interpolated 1/w. The first vertex is
  // the last one, in emission order, of those lowest on the screen (largest panel y): of six
  // readings of SetupRoutine's vertex rotation this one alone reproduces every 8-bit tie of the
  // oracle cases (the rotation as written there leaves 678 pixels one level off).
  int first = 0;
  for (int k = 0; k < 3; ++k)
    if (p[k].y >= p[first].y) first = k;
  const int order[3] = {first, (first + 1) % 3, (first + 2) % 3};
  // Window y is taken to run down the screen as the panel's does (running it up changed no pixel
  // of any case).
  const float X0 = float(p[order[0]].x - 0.5), Y0 = float(p[order[0]].y - 0.5);
  const float x1 = float(p[order[1]].x - 0.5) - X0, y1 = float(p[order[1]].y - 0.5) - Y0;
  const float x2 = float(p[order[2]].x - 0.5) - X0, y2 = float(p[order[2]].y - 0.5) - Y0;
  const float area = x1 * y2 - x2 * y1;
  const float inv = 1.0f / area;
  const float m0x = (y1 - y2) * inv, m0y = (x2 - x1) * inv;
  const float m1x = y2 * inv, m1y = -x2 * inv, m2x = -y1 * inv, m2y = x1 * inv;
  struct Plane {
    float a, b, c;
  };
  auto make_plane = [&](int n) {
    const float c0 = float(values[order[0]][n]), c1 = float(values[order[1]][n]),
                c2 = float(values[order[2]][n]);
    return Plane{c0 * m0x + c1 * m1x + c2 * m2x, c0 * m0y + c1 * m1y + c2 * m2y, c0};
  };
  Plane planes[kVaryings];
  for (int n = 0; n < kVaryings; ++n) planes[n] = make_plane(n);
  const Plane pw{m0x + m1x + m2x, m0y + m1y + m2y, 1.0f};
  auto plane = [&](const Plane& q, double x, double y) {
    // Pixels come in 2x2 quads: the quad's even corner plus an offset from the first vertex.
    const int xi = static_cast<int>(x - 0.5), yi = static_cast<int>(y - 0.5);
    const int xq = xi & ~1, yq = yi & ~1;
    const float xx = float(xq) + (float(xi - xq) - X0), yy = float(yq) + (float(yi - yq) - Y0);
    const float rhw = 1.0f / ((pw.c + yy * pw.b) + xx * pw.a);
    return double(((q.c + yy * q.b) + xx * q.a) * rhw);
  };
  for (int j = j0; j <= j1; ++j) {
    for (int i = i0; i <= i1; ++i) {
      const double x = i + 0.5, y = j + 0.5;
      bool inside = true;
      for (int k = 0; k < 3 && inside; ++k) {
        const Vec2& a = p[k];
        const Vec2& b = p[(k + 1) % 3];
        // Positive inside.
        const double e = sg * ((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x));
        if (e < 0 || (e == 0 && !owns[k])) inside = false;
      }
      if (!inside) continue;
      Varyings at;
      for (int n = 0; n < kVaryings; ++n) at[n] = plane(planes[n], x, y);
      fragment(i, j, at);
    }
  }
}

// A corner of a quad: its panel position and the two values it carries (e.g. vCircleCoord).
struct QuadVertex {
  Vec2 pos;
  Varyings values{};
};

// Rasterises a quad as Neuroglancer draws quads (webgl/quad.ts): corners (qx, qy) in {0, 1}^2,
// the triangles (0,0) (0,1) (1,1) and (1,1) (1,0) (0,0), corners snapped to the subpixel grid,
// (u, v) interpolated; fragment(i, j, u, v) for every covered pixel.
void rasterize(const std::function<QuadVertex(int, int)>& corner, int width, int height,
               const Fragment& fragment) {
  QuadVertex c[2][2];
  for (int qx = 0; qx < 2; ++qx) {
    for (int qy = 0; qy < 2; ++qy) {
      c[qx][qy] = corner(qx, qy);
      c[qx][qy].pos = {snap(c[qx][qy].pos.x), snap(c[qx][qy].pos.y)};
    }
  }
  rasterize_triangle({c[0][0].pos, c[0][1].pos, c[1][1].pos},
                     {c[0][0].values, c[0][1].values, c[1][1].values}, width, height, fragment);
  rasterize_triangle({c[1][1].pos, c[1][0].pos, c[0][0].pos},
                     {c[1][1].values, c[1][0].values, c[0][0].values}, width, height, fragment);
}

struct Projected {
  double x = 0, y = 0;  // panel pixel coordinates
  double z = 0;         // normalised depth: -1 .. 1 inside the cross-section's depth range
};

int normal_axis(const PanelGeometry& panel);

struct Context {
  const PanelGeometry& panel;
  double depth_range_px;
  double depth_step;  // global units along panel.normal per screen pixel of depth
  Blender blender;

  Projected project(const std::array<double, 3>& g) const {
    const auto p = panel.to_panel(g);
    const int k = normal_axis(panel);
    if (k < 0) return {p[0], p[1], (p[2] / depth_step) / depth_range_px};
    // Clip-space depth as the GPU computes it for a panel normal to axis k: the inverse view
    // matrix holds the depth step in float32, gl-matrix inverts it and multiplies by the
    // orthographic projection in float64 and stores float32 (sliceview/frontend.ts:238-246), the
    // shader evaluates m10 * z + m14 in float32.
    const double step = F(depth_step);
    const F view10 = F(1 / step), view14 = F(-double(F(panel.position[k])) / step);
    const double proj10 = F(-1 / depth_range_px);
    const F m10 = F(proj10 * view10), m14 = F(proj10 * view14);
    const F clip = F(m10 * F(g[k])) + m14;
    return {p[0], p[1], double(clip)};
  }
};

// 1 - 2 |0.5 - gl_FragCoord.z| (webgl/circles.ts getCircleAlphaMultiplier and
// type_handler.ts getCrossSectionFadeFactor), with gl_FragCoord.z = z / 2 + 0.5.
F fade(double z) {
  // (ANGLE's Vulkan form (z + 1) * 0.5 gives the same pixels on every case.)
  const F frag_z = F(F(F(z) * F(0.5)) + F(0.5));
  return clamp01(F(1) - F(F(2) * std::fabs(F(0.5) - frag_z)));
}

// A circle marker (webgl/circles.ts): diameter and border in pixels, feather width in pixels;
// the quad reaches diameter / 2 + border + feather from the centre.
void draw_circle(Context& ctx, const Projected& c, F diameter, F border, F feather,
                 const Rgba& interior, const Rgba& border_color) {
  if (!(std::fabs(c.z) <= 1)) return;  // outside the depth range: clipped
  const F total = diameter + F(2) * (border + feather);
  if (diameter == 0) return;
  const F border_start = diameter / total, feather_fraction = feather / total;
  const double radius = total / 2.0;
  const F multiplier = fade(c.z);
  // circleCornerOffset in device coordinates, whose y is up: -1 is the bottom on screen.
  auto corner = [&](int qx, int qy) {
    const double u = 2 * qx - 1, v = 2 * qy - 1;
    return QuadVertex{{c.x + u * radius, c.y - v * radius}, {u, v, border_start, feather_fraction}};
  };
  rasterize(corner, ctx.panel.width, ctx.panel.height, [&](int i, int j, const Varyings& at) {
    const F u = F(at[0]), v = F(at[1]), start_at = F(at[2]), feather_at = F(at[3]);
    const F r = std::sqrt(F(F(u * u) + F(v * v)));
    if (r > 1) return;
    const F to_border = clamp01((r - start_at) / feather_at);
    const F feathered = clamp01((F(1) - r) / feather_at);
    Rgba out;
    out.r = interior.r + (border_color.r - interior.r) * to_border;
    out.g = interior.g + (border_color.g - interior.g) * to_border;
    out.b = interior.b + (border_color.b - interior.b) * to_border;
    const F a = interior.a + (border_color.a - interior.a) * to_border;
    out.a = F(F(a * feathered) * multiplier);
    ctx.blender.blend(i, j, out);
  });
}

// A feathered line (webgl/lines.ts emitLine, not rounded): clipped to the depth range, a quad
// `width + 2 * feather` pixels across; alpha falls from 1 to 0 over the outer feather.
void draw_line(Context& ctx, Projected a, Projected b, F width, F feather, const Rgba& color,
               bool depth_fade) {
  // clipLineToDepthRange (webgl/shader_lib.ts) with w = 1.
  double tmin = 0, tmax = 1;
  const double k = a.z - b.z;
  if (k != 0) {
    const double q1 = (a.z - 1) / k, q2 = (a.z + 1) / k;
    if (k > 0) {
      tmin = std::max(tmin, q1);
      tmax = std::min(tmax, q2);
    } else {
      tmax = std::min(tmax, q1);
      tmin = std::max(tmin, q2);
    }
  } else if (std::fabs(a.z) > 1) {
    return;  // parallel to the plane and outside the depth range: clipped by the rasteriser
  }
  if (tmin > tmax) return;
  auto mix = [](const Projected& p, const Projected& q, double t) {
    return Projected{p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t, p.z + (q.z - p.z) * t};
  };
  const Projected a2 = mix(a, b, tmin), b2 = mix(a, b, tmax);
  a = a2;
  b = b2;
  const double dx = b.x - a.x, dy = b.y - a.y;
  if (std::hypot(dx, dy) < 1e-3) return;  // Neuroglancer collapses the quad to zero length
  const F total = width + F(2) * feather;
  if (width == 0) return;
  const F feather_fraction = std::max(F(1e-6), feather) / total;
  // The offset across the line is normalised in device coordinates (lines.ts lineNormal), so in
  // pixels it is along (-dy / W, dx / H), which is perpendicular only for a square panel.
  const double nx = -dy / ctx.panel.width, ny = dx / ctx.panel.height;
  const double nl = std::hypot(nx, ny);
  const Vec2 off{nx / nl * total / 2.0, ny / nl * total / 2.0};
  // getLineOffset: x picks the end, y (-1 or 1) the side; vLineCoord is that y.
  auto corner = [&](int qx, int qy) {
    const double side = 2 * qy - 1;
    return QuadVertex{{a.x + qx * dx + side * off.x, a.y + qx * dy + side * off.y},
                      {double(qx), side, feather_fraction, 1}};
  };
  rasterize(corner, ctx.panel.width, ctx.panel.height, [&](int i, int j, const Varyings& at) {
    const double s = at[0];
    const F across = std::fabs(F(at[1])), feather_at = F(at[2]);
    F alpha = F(color.a * clamp01((F(1) - across) / feather_at));
    // Line annotations fade with depth (line.ts); box edges multiply by vClipCoefficient, a
    // varying equal to 1 at every corner, interpolated like the others (bounding_box.ts).
    alpha = depth_fade ? F(alpha * fade(a.z + (b.z - a.z) * s)) : F(alpha * F(at[3]));
    ctx.blender.blend(i, j, {color.r, color.g, color.b, alpha});
  });
}

Rgba annotation_color(const AnnotationLayerState& layer, const Annotation& ann) {
  if (layer.color_source == AnnotationColorSource::kProperty &&
      layer.color_property < ann.properties.size()) {
    const auto packed = static_cast<std::uint32_t>(ann.properties[layer.color_property]);
    const bool rgba = layer.properties[layer.color_property].type == "rgba";
    // Normalised UNSIGNED_BYTE attributes: byte / 255.
    return {F(F(packed & 0xff) / F(255)), F(F((packed >> 8) & 0xff) / F(255)),
            F(F((packed >> 16) & 0xff) / F(255)), rgba ? F(F(packed >> 24) / F(255)) : F(1)};
  }
  return {F(layer.color[0]), F(layer.color[1]), F(layer.color[2]), F(1)};
}

const Rgba kBlack{0, 0, 0, 1};

void draw_points(Context& ctx, const AnnotationLayerState& layer,
                 const std::vector<const Annotation*>& list) {
  // point.ts: diameter 5, border 1, feather 1, fill = setColor's colour, border black.
  for (const Annotation* a : list)
    draw_circle(ctx, ctx.project(a->a), F(5), F(1), F(1), annotation_color(layer, *a), kBlack);
}

void draw_lines(Context& ctx, const AnnotationLayerState& layer,
                const std::vector<const Annotation*>& list) {
  // line.ts: every edge first (width 1, feather 1, faded with depth), then every pair of end
  // markers (diameter 5, border 1, feather 0.5).
  for (const Annotation* a : list)
    draw_line(ctx, ctx.project(a->a), ctx.project(a->b), F(1), F(1), annotation_color(layer, *a),
              true);
  for (const Annotation* a : list) {
    const Rgba c = annotation_color(layer, *a);
    draw_circle(ctx, ctx.project(a->a), F(5), F(1), F(0.5), c, kBlack);
    draw_circle(ctx, ctx.project(a->b), F(5), F(1), F(0.5), c, kBlack);
  }
}

// The axis of a panel normal along a global axis, or -1.
int normal_axis(const PanelGeometry& panel) {
  for (int k = 0; k < 3; ++k)
    if (std::fabs(panel.normal[k]) == 1) return k;
  return -1;
}

// Boxes in a panel not normal to a global axis: the polygon where the plane cuts the box (the
// plane's crossings of the 12 edges, in order around their centre), outlined as Neuroglancer's
// edge table outlines it. Not checked against Neuroglancer (no oblique annotation case).
void draw_boxes_oblique(Context& ctx, const AnnotationLayerState& layer,
                        const std::vector<const Annotation*>& list) {
  const PanelGeometry& panel = ctx.panel;
  for (const Annotation* ann : list) {
    std::array<double, 3> lo, hi;
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(ann->a[d], ann->b[d]);
      hi[d] = std::max(ann->a[d], ann->b[d]);
    }
    // The plane is spanned by the screen steps; with anisotropic global units its normal there
    // is their cross product (not the scaled view axis).
    const auto& r = panel.right;
    const auto& w = panel.down;
    const std::array<double, 3> n = {r[1] * w[2] - r[2] * w[1], r[2] * w[0] - r[0] * w[2],
                                     r[0] * w[1] - r[1] * w[0]};
    auto side = [&](const std::array<double, 3>& g) {
      double s = 0;
      for (int d = 0; d < 3; ++d) s += (g[d] - panel.position[d]) * n[d];
      return s;
    };
    std::vector<std::array<double, 3>> cut;
    for (int axis = 0; axis < 3; ++axis)
      for (int m = 0; m < 4; ++m) {
        std::array<double, 3> a{}, b{};
        int bit = 0;
        for (int d = 0; d < 3; ++d) {
          if (d == axis) {
            a[d] = lo[d];
            b[d] = hi[d];
          } else {
            a[d] = b[d] = (m >> bit++) & 1 ? hi[d] : lo[d];
          }
        }
        const double sa = side(a), sb = side(b);
        if ((sa < 0) == (sb < 0) || sa == sb) continue;
        const double t = sa / (sa - sb);
        cut.push_back(
            {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t});
      }
    if (cut.size() < 3) continue;
    std::vector<Projected> at;
    double cx = 0, cy = 0;
    for (const auto& g : cut) {
      at.push_back(ctx.project(g));
      cx += at.back().x / static_cast<double>(cut.size());
      cy += at.back().y / static_cast<double>(cut.size());
    }
    std::vector<std::size_t> order(cut.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return std::atan2(at[x].y - cy, at[x].x - cx) < std::atan2(at[y].y - cy, at[y].x - cx);
    });
    const Rgba c = annotation_color(layer, *ann);
    for (std::size_t e = 0; e < order.size(); ++e)
      draw_line(ctx, at[order[e]], at[order[(e + 1) % order.size()]], F(1), F(1), c, false);
  }
}

void draw_boxes(Context& ctx, const AnnotationLayerState& layer,
                const std::vector<const Annotation*>& list) {
  const int k = normal_axis(ctx.panel);
  if (k < 0) {
    draw_boxes_oblique(ctx, layer, list);
    return;
  }
  const F plane = F(ctx.panel.position[k]);
  for (const Annotation* ann : list) {
    std::array<double, 3> lo, hi;
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(ann->a[d], ann->b[d]);
      hi[d] = std::max(ann->a[d], ann->b[d]);
    }
    // bounding_box_shader_helper.ts: only the box edges along the normal meet the plane
    // (|denominator| > 1e-3), at lambda within [-1e-3, 1 + 1e-3], clamped to the edge.
    const F denom = F(F(hi[k]) - F(lo[k]));
    if (!(std::fabs(denom) > F(1e-3))) continue;
    const F lambda = (plane - F(lo[k])) / denom;
    if (!(lambda >= F(-1e-3) && lambda <= F(1 + 1e-3))) continue;
    const double at = F(F(lo[k]) + clamp01(lambda) * denom);
    auto corner = [&](bool x_hi, bool y_hi) {
      std::array<double, 3> g{};
      int in_plane = 0;
      for (int d = 0; d < 3; ++d) {
        if (d == k) {
          g[d] = at;
        } else {
          g[d] = (in_plane == 0 ? x_hi : y_hi) ? hi[d] : lo[d];
          ++in_plane;
        }
      }
      return ctx.project(g);
    };
    // The order of the six intersection vertices for a normal along +axis (front vertex 0):
    // (hi, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo), (lo, lo), closed: two segments are empty.
    const Projected v[4] = {corner(true, false), corner(true, true), corner(false, true),
                            corner(false, false)};
    const Rgba c = annotation_color(layer, *ann);
    for (int e = 0; e < 4; ++e) draw_line(ctx, v[e], v[(e + 1) % 4], F(1), F(1), c, false);
  }
}

void draw_ellipsoids(Context& ctx, const AnnotationLayerState& layer,
                     const std::vector<const Annotation*>& list) {
  const PanelGeometry& panel = ctx.panel;
  // Columns of the viewport -> global linear map: screen x, screen y, depth (one pixel each).
  const std::array<double, 3> col[3] = {
      panel.right,
      panel.down,
      {panel.normal[0] * ctx.depth_step, panel.normal[1] * ctx.depth_step,
       panel.normal[2] * ctx.depth_step}};
  for (const Annotation* ann : list) {
    // ellipsoid.ts SliceViewRenderHelper: the quadratic form of the ellipsoid in viewport
    // coordinates, cut at depth 0, turned into centre, axes and semi-axes.
    F av[3][3];
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) {
        F sum = 0;
        for (int d = 0; d < 3; ++d) {
          const F radius = std::max(F(std::fabs(ann->b[d])), F(1e-3));
          sum += F(col[r][d]) * F(F(1) / F(radius * radius)) * F(col[c][d]);
        }
        av[r][c] = sum;
      }
    }
    const auto cp = panel.to_panel(ann->a);
    const F cx = F(cp[0] - panel.width / 2.0), cy = F(cp[1] - panel.height / 2.0);
    const F cz = F(cp[2] / ctx.depth_step);
    // computeCrossSectionEllipse (webgl/ellipse.ts).
    const F A = av[0][0], B = av[0][1] + av[1][0], C = av[1][1];
    const F D = F(-2) * cx * av[0][0] - cy * (av[0][1] + av[1][0]) + cz * (av[0][2] + av[2][0]);
    const F E = -cx * (av[0][1] + av[1][0]) - F(2) * cy * av[1][1] + cz * (av[1][2] + av[2][1]);
    const F Fc = cx * cx * av[0][0] + cx * cy * (av[0][1] + av[1][0]) -
                 cx * cz * (av[0][2] + av[2][0]) + cy * cy * av[1][1] -
                 cy * cz * (av[1][2] + av[2][1]) + cz * cz * av[2][2] - F(1);
    // computeCenterOrientEllipse.
    const F a11 = A, a12 = B / F(2), a22 = C, b1 = D, b2 = E;
    const F kdenom = F(2) * (a12 * a12 - a11 * a22);
    const F k1 = (a22 * b1 - a12 * b2) / kdenom, k2 = (a11 * b2 - a12 * b1) / kdenom;
    const F mu = F(1) / (a11 * k1 * k1 + F(2) * a12 * k1 * k2 + a22 * k2 * k2 - Fc);
    const F m11 = mu * a11, m12 = mu * a12, m22 = mu * a22;
    const F t1 = m11 + m22, t2 = std::sqrt((m11 - m22) * (m11 - m22) + F(4) * m12 * m12);
    const F l1 = (t1 + t2) / F(2), l2 = (t1 - t2) / F(2);
    if (!(l1 > 0 && l2 > 0)) continue;  // the plane misses the ellipsoid
    const F sa = F(1) / std::sqrt(l1), sb = F(1) / std::sqrt(l2);
    F u1x = 1, u1y = 0;
    if (!(std::fabs(m11 - m22) < F(1e-6) && std::fabs(m12) < F(1e-6))) {
      if (m11 >= m22) {
        u1x = l1 - m22;
        u1y = m12;
      } else {
        u1x = m12;
        u1y = l1 - m11;
      }
      const F n = std::sqrt(u1x * u1x + u1y * u1y);
      u1x /= n;
      u1y /= n;
    }
    const F u2x = -u1y, u2y = u1x;
    const Vec2 centre{k1 + panel.width / 2.0, k2 + panel.height / 2.0};
    // The viewport's y runs down the screen, like the panel's.
    auto corner = [&](int qx, int qy) {
      const F u = F(2 * qx - 1), v = F(2 * qy - 1);
      return QuadVertex{{centre.x + double(F(u1x * u) * sa) + double(F(u2x * v) * sb),
                         centre.y + double(F(u1y * u) * sa) + double(F(u2y * v) * sb)},
                        {u, v, 0, 0}};
    };
    Rgba color = annotation_color(layer, *ann);
    color.a = F(color.a * F(0.5));  // setColor: ellipsoid fill alpha halved in cross-sections
    rasterize(corner, panel.width, panel.height, [&](int i, int j, const Varyings& at) {
      const F u = F(at[0]), v = F(at[1]);
      if (F(F(u * u) + F(v * v)) > F(1)) return;
      ctx.blender.blend(i, j, color);
    });
  }
}

double depth_step_of(const PanelGeometry& panel) {
  const int k = normal_axis(panel);
  // One screen pixel of depth is one pixel size of physical distance along the normal.
  if (k >= 0 && panel.pixel_size_m > 0 && panel.global_scales_m[k] > 0)
    return panel.pixel_size_m / panel.global_scales_m[k];
  // Fallback: the length of a screen step, as for a panel with isotropic global units.
  return std::sqrt(panel.right[0] * panel.right[0] + panel.right[1] * panel.right[1] +
                   panel.right[2] * panel.right[2]);
}

}  // namespace

void draw_annotations(const AnnotationLayerState& layer, const std::vector<Annotation>& annotations,
                      const PanelGeometry& panel, overlay::Image& picture,
                      const AnnotationDrawOptions& options) {
  if (!layer.visible) return;
  Context ctx{panel, options.depth_range_px, depth_step_of(panel), Blender(picture)};
  // renderlayer.ts drawGeometry: one draw per type, in AnnotationType order, each in the order
  // of the layer's list.
  std::vector<const Annotation*> by_type[4];
  for (const Annotation& a : annotations) by_type[static_cast<int>(a.type)].push_back(&a);
  draw_points(ctx, layer, by_type[static_cast<int>(AnnotationType::kPoint)]);
  draw_lines(ctx, layer, by_type[static_cast<int>(AnnotationType::kLine)]);
  draw_boxes(ctx, layer, by_type[static_cast<int>(AnnotationType::kAxisAlignedBoundingBox)]);
  draw_ellipsoids(ctx, layer, by_type[static_cast<int>(AnnotationType::kEllipsoid)]);
}

}  // namespace imagery::neuroglancer
