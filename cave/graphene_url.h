// graphene:// source URLs, as CloudVolume reads them: graphene://[middleauth+]http(s)://HOST[:PORT]
// followed by one of
//   /MODALITY/table/NAME          (the form the info service gives)
//   /MODALITY/api/v1/NAME         (CAVEclient's chunkedgraph.cloudvolume_path)
//   /MODALITY/1.0/NAME            (FlyWire's older links)
// (text after NAME is ignored). Whatever the form, the info is read from
// /MODALITY/table/NAME/info and the graph is asked through /MODALITY/api/v1/table/NAME/... .
#pragma once

#include <string>

namespace imagery::cave {

struct GrapheneUrl {
  std::string original;   // as given
  std::string scheme;     // "https" or "http" ("middleauth+" removed)
  std::string authority;  // "host" or "host:port"
  std::string modality;   // "segmentation"
  std::string version;    // "table", "v1", "1.0": how the URL named the API
  std::string table;      // the chunkedgraph table ("minnie65_public")

  // "https://host:port", where every request of this source goes.
  std::string server() const;
  // {server}/{modality}/table/{table}/info
  std::string info_url() const;
  // {server}/{modality}/api/v1/table/{table}/{path}
  std::string api_v1_url(const std::string& path) const;
  // {server}/{modality}/api/version: the server's version, for provenance.
  std::string version_url() const;
};

// Whether `url` starts with "graphene://".
bool is_graphene_url(const std::string& url);

// Throws kInvalidArgument naming the URL and the accepted forms.
GrapheneUrl parse_graphene_url(const std::string& url);

}  // namespace imagery::cave
