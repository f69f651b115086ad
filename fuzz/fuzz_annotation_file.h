// fuzz_annotation_file: --points, --lines and --boxes files (CSV or JSON Lines by the first byte,
// the kind by the second), and layout documents (--from sidecars and LAYOUT.json files), as
// users and table exports hand them over.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/figure/annotation_file.h"
#include "imagery/figure/layout.h"

namespace imagery::fuzz {

inline void fuzz_annotation_file(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return;
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::string name = data[0] % 2 ? "fuzz.csv" : "fuzz.jsonl";
  const auto kind = static_cast<figure::MarkKind>(data[1] % 3);
  try {
    const auto marks = figure::parse_marks(text, name, kind);
    for (const auto& m : marks)
      if (!(std::isfinite(m.a.x) && std::isfinite(m.b.z)) || (m.size && !(*m.size > 0)))
        __builtin_trap();  // the reader promises finite coordinates and positive sizes
  } catch (const Error&) {
  }
  if (data[1] >= 128) {
    try {
      const auto doc = nlohmann::json::parse(text);
      const figure::LayoutSpec layout = figure::read_layout_spec(doc, "fuzz");
      if (layout.panels.empty() || layout.columns < 1) __builtin_trap();
    } catch (const Error&) {
    } catch (const nlohmann::json::exception&) {
    }
  }
}

}  // namespace imagery::fuzz
