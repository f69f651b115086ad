// The graphene driver: a CAVE graphene:// segmentation behind the volume interface. Its info
// comes from the chunkedgraph server (with the CAVE token); its voxels are the supervoxels of the
// watershed layer at the info's data_dir, read by the precomputed reader with every encoding,
// sharding and cache it has (the token never goes there). read() returns supervoxels, or with
// ReadOptions::labels = kMapped the root ids as of ReadOptions::timestamp (default: the context's
// pinned "now", cave/pinned_time.h), or with mapped_ids only those roots, found from their leaves.
#pragma once

#include <memory>
#include <string>

#include "imagery/cave/chunkedgraph.h"
#include "imagery/cave/graphene_url.h"
#include "imagery/precomputed/volume.h"
#include "imagery/volume/volume.h"

namespace imagery::volume {

class GrapheneDriver : public Volume {
 public:
  GrapheneDriver(cave::GrapheneUrl url, precomputed::Volume watershed, cave::GraphMeta graph,
                 std::string info_json, std::string server_version, io::Context& context);
  const Metadata& metadata() const override { return metadata_; }
  Array read(const Bbox& box, int mip, const ReadOptions& options) const override;
  bool has_label_mapping() const override { return true; }
  std::string native_metadata_json() const override { return info_json_; }

  const cave::ChunkedGraph& graph() const { return graph_; }
  const precomputed::Volume& watershed() const { return watershed_; }

 private:
  cave::GrapheneUrl url_;
  precomputed::Volume watershed_;
  cave::ChunkedGraph graph_;
  std::string info_json_;
  Metadata metadata_;
  io::Context* context_;
};

// Opens a graphene:// source in `context`.
std::shared_ptr<const Volume> open_graphene(const std::string& url, io::Context& context);

}  // namespace imagery::volume
