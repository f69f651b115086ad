#include "imagery/cave/graphene_url.h"

#include <catch2/catch.hpp>

#include "support/error_of.h"

using namespace imagery;
using namespace imagery::cave;

TEST_CASE("graphene URLs: every path form of CloudVolume", "[cave][graphene_url]") {
  struct Case {
    const char* url;
    const char* server;
    const char* version;
    const char* table;
  };
  const Case cases[] = {
      {"graphene://https://minnie.microns-daf.com/segmentation/table/minnie65_public",
       "https://minnie.microns-daf.com", "table", "minnie65_public"},
      {"graphene://middleauth+https://prod.flywire-daf.com/segmentation/table/flywire_public/",
       "https://prod.flywire-daf.com", "table", "flywire_public"},
      {"graphene://https://prod.flywire-daf.com/segmentation/1.0/fly_v31",
       "https://prod.flywire-daf.com", "1.0", "fly_v31"},
      {"graphene://https://www.dynamicannotationframework.com/segmentation/api/v1/testvol",
       "https://www.dynamicannotationframework.com", "v1", "testvol"},
      {"graphene://http://localhost:8080/segmentation/table/x.y-z", "http://localhost:8080",
       "table", "x.y-z"},
      {"graphene://https://host/segmentation/table/NAME/extra", "https://host", "table", "NAME"},
      // CloudVolume would take "table" as the name here; the name is the part after it.
      {"graphene://https://host/segmentation/api/v1/table/NAME", "https://host", "v1", "NAME"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    const GrapheneUrl g = parse_graphene_url(c.url);
    CHECK(g.server() == c.server);
    CHECK(g.version == c.version);
    CHECK(g.table == c.table);
    CHECK(g.modality == "segmentation");
    CHECK(g.original == c.url);
  }
  const GrapheneUrl g = parse_graphene_url("graphene://http://127.0.0.1:9000/segmentation/1.0/t1");
  // Whatever the form: the info from /table/, the graph through api/v1.
  CHECK(g.info_url() == "http://127.0.0.1:9000/segmentation/table/t1/info");
  CHECK(g.api_v1_url("roots_binary") ==
        "http://127.0.0.1:9000/segmentation/api/v1/table/t1/roots_binary");
  CHECK(g.version_url() == "http://127.0.0.1:9000/segmentation/api/version");
}

TEST_CASE("graphene URLs: malformed ones are refused naming the URL", "[cave][graphene_url]") {
  for (const char* bad :
       {"graphene://", "graphene://https://", "graphene://https://host",
        "graphene://https://host/NAME", "graphene://https://host/prefix/segmentation/table/NAME",
        "graphene://gs://bucket/segmentation/table/x", "graphene://host/segmentation/table/x",
        "graphene://https://user@host/segmentation/table/x",
        "graphene://https://host/segmentation/table/",
        "precomputed://https://host/segmentation/table/x"}) {
    INFO(bad);
    const Error e = testing::error_of([&] { parse_graphene_url(bad); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find(bad) != std::string::npos);
  }
}
