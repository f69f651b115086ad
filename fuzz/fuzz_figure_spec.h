// fuzz_figure_spec: figure documents as a user or another program writes them (sidecars read by
// `imagery figure --from`, --defaults files, the C++ and Python APIs): JSON text read by the
// schema's one reader, legacy 0.1 sidecars included, then checked; a spec that reads must write
// out and read back to the same document (the schema round-trips).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/figure/figure_spec_json.h"

namespace imagery::fuzz {

inline void fuzz_figure_spec(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return;
  figure::FigureSpec spec;
  try {
    spec = figure::read_figure_spec(doc, {{}, "fuzz.json"});
  } catch (const Error&) {
    return;
  }
  try {
    figure::check_figure_spec(spec);
  } catch (const Error&) {
  }
  // Written and read back, a spec is the same spec: compare the documents.
  const nlohmann::json first = nlohmann::json::parse(figure::figure_spec_to_json(spec).dump());
  const nlohmann::json second =
      nlohmann::json::parse(figure::figure_spec_to_json(figure::read_figure_spec(first)).dump());
  if (first != second) std::abort();
}

}  // namespace imagery::fuzz
