#include "imagery/rendering/lookup_table.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/palettes/parse_color.h"

namespace imagery::rendering {

namespace {

// ImageJ's "fire": 32 control points, spread over 256 entries by linear interpolation with the
// fraction truncated, as ImageJ's LutLoader.interpolate does (the numbers are ImageJ's).
LookupTable make_fire() {
  static constexpr int r[32] = {0,   0,   1,   25,  49,  73,  98,  122, 146, 162, 173,
                                184, 195, 207, 217, 229, 240, 252, 255, 255, 255, 255,
                                255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
  static constexpr int g[32] = {0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
                                0,   0,   14,  35,  57,  79,  101, 117, 133, 147, 161,
                                175, 190, 205, 219, 234, 248, 255, 255, 255, 255};
  static constexpr int b[32] = {0,   61, 96, 130, 165, 192, 220, 227, 210, 181, 151,
                                122, 93, 64, 35,  5,   0,   0,   0,   0,   0,   0,
                                0,   0,  0,  0,   0,   35,  98,  160, 223, 255};
  LookupTable t;
  const double scale = 32.0 / 256.0;
  for (int i = 0; i < 256; ++i) {
    const int i1 = static_cast<int>(i * scale);
    const int i2 = std::min(i1 + 1, 31);
    const double f = i * scale - i1;
    auto mix = [&](const int* c) {
      return static_cast<std::uint8_t>(static_cast<int>((1 - f) * c[i1] + f * c[i2]));
    };
    t[static_cast<std::size_t>(i)] = {mix(r), mix(g), mix(b)};
  }
  return t;
}

// matplotlib's "viridis" (CC0, van der Walt and Smith), its 256 colours rounded to bytes.
constexpr const char* kViridisHex =
    "44015444025645045745055946075a46085c460a5d460b5e"
    "470d60470e61471063471164471365481467481668481769"
    "48186a481a6c481b6d481c6e481d6f481f70482071482173"
    "482374482475482576482677482878482979472a7a472c7a"
    "472d7b472e7c472f7d46307e46327e46337f463480453581"
    "453781453882443983443a83443b84433d84433e85423f85"
    "4240864241864142874144874045884046883f47883f4889"
    "3e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b"
    "3b528b3a538b3a548c39558c39568c38588c38598c375a8c"
    "375b8d365c8d365d8d355e8d355f8d34608d34618d33628d"
    "33638d32648e32658e31668e31678e31688e30698e306a8e"
    "2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e"
    "2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e"
    "297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e"
    "26828e26828e25838e25848e25858e24868e24878e23888e"
    "23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d"
    "21918c20928c20928c20938c1f948c1f958b1f968b1f978b"
    "1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f88"
    "1fa0881fa1881fa1871fa28720a38620a48621a58521a685"
    "22a78522a88423a98324aa8325ab8225ac8226ad8127ad81"
    "28ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b"
    "32b67a34b67935b77937b87838b9773aba763bbb753dbc74"
    "3fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c"
    "4ec36b50c46a52c56954c56856c66758c7655ac8645cc863"
    "5ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece58"
    "70cf5773d05675d05477d1537ad1517cd2507fd34e81d34d"
    "84d44b86d54989d5488bd6468ed64590d74393d74195d840"
    "98d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32"
    "addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25"
    "c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21a"
    "d8e219dae319dde318dfe318e2e418e5e419e7e419eae51a"
    "ece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725";

LookupTable make_viridis() {
  LookupTable t;
  auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < 256; ++i) {
    const char* p = kViridisHex + i * 6;
    t[i] = {static_cast<std::uint8_t>(hex(p[0]) * 16 + hex(p[1])),
            static_cast<std::uint8_t>(hex(p[2]) * 16 + hex(p[3])),
            static_cast<std::uint8_t>(hex(p[4]) * 16 + hex(p[5]))};
  }
  return t;
}

struct PureColor {
  std::string_view name;
  palettes::Rgb8 rgb;
};
constexpr PureColor kPureColors[] = {{"grey", {255, 255, 255}},  {"gray", {255, 255, 255}},
                                     {"red", {255, 0, 0}},       {"green", {0, 255, 0}},
                                     {"blue", {0, 0, 255}},      {"cyan", {0, 255, 255}},
                                     {"magenta", {255, 0, 255}}, {"yellow", {255, 255, 0}}};

}  // namespace

const LookupTable* lookup_table(std::string_view name) {
  static const LookupTable fire = make_fire();
  static const LookupTable viridis = make_viridis();
  if (name == "fire") return &fire;
  if (name == "viridis") return &viridis;
  return nullptr;
}

int lut_index(double f) {
  if (!(f > 0)) return 0;
  if (f >= 1) return 255;
  return std::min(255, static_cast<int>(std::floor(f * 256)));
}

ChannelColor parse_channel_color(std::string_view text, const std::string& what) {
  ChannelColor c;
  if (lookup_table(text)) {
    c.lut = std::string(text);
    return c;
  }
  for (const PureColor& p : kPureColors)
    if (text == p.name) {
      c.rgb = p.rgb;
      return c;
    }
  try {
    c.rgb = palettes::parse_color(text, what);
  } catch (const Error&) {
    fail(ErrorCode::kInvalidArgument, what + ": '" + std::string(text) +
                                          "' is neither a colour nor a lookup table (" +
                                          channel_color_names_text() + ", #rrggbb, a CSS name)");
  }
  return c;
}

std::string channel_color_text(const ChannelColor& color) {
  return color.lut.empty() ? palettes::hex(color.rgb) : color.lut;
}

std::string channel_color_names_text() {
  return "grey, red, green, blue, cyan, magenta, yellow, fire, viridis";
}

}  // namespace imagery::rendering
