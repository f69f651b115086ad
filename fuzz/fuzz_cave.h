// fuzz_cave: what CAVE services and users hand the graphene client: the graphene info's graph
// block, leaves answers, error bodies (with the terms-of-service URL they may carry), graphene
// URLs and timestamps. The first byte picks the parser; the rest is its input. Parsed
// timestamps must format and parse back to the same instant.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "imagery/cave/chunkedgraph.h"
#include "imagery/cave/graphene_url.h"
#include "imagery/cave/internal/cave_request.h"
#include "imagery/cave/timestamp.h"
#include "imagery/core/error.h"

namespace imagery::fuzz {

inline void fuzz_cave(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 5) {
      case 0: {
        const cave::GraphMeta m = cave::parse_graph_meta(text, "fuzz");
        if (m.n_layers < 2 || m.n_bits_for_layer_id < 1 || m.n_bits_for_layer_id > 16) std::abort();
        (void)m.layer_of(~std::uint64_t{0});
        break;
      }
      case 1:
        (void)cave::parse_leaf_ids(text, "fuzz");
        break;
      case 2: {
        const cave::Timestamp t = cave::parse_timestamp(text, "fuzz");
        if (cave::parse_timestamp(cave::format_timestamp(t)) != t) std::abort();
        if (cave::timestamp_seconds_sent(t) * 1000000 < t.time_since_epoch().count()) std::abort();
        break;
      }
      case 3: {
        const cave::GrapheneUrl g = cave::parse_graphene_url(text);
        if (g.table.empty() || g.authority.empty()) std::abort();
        (void)g.info_url();
        break;
      }
      case 4: {
        if (text.size() < 2) return;
        const long status = 100 + (static_cast<unsigned char>(text[0]) * 256 +
                                   static_cast<unsigned char>(text[1])) % 500;
        const std::string body = text.substr(2);
        Bytes bytes(body.size());
        for (std::size_t i = 0; i < body.size(); ++i) bytes[i] = std::byte(body[i]);
        const Error e = cave::cave_status_error(status, bytes, "GET", "http://h/x", "fuzz");
        const std::string message = e.what();
        if (message.find('\n') != std::string::npos) std::abort();  // one line, always
        break;
      }
    }
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
