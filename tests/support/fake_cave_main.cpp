// fake-cave: the fake CAVE of fake_cave.h as a program, to try a graphene client by hand or to
// run a benchmark against a server in another process. Prints one line
//   fake CAVE at http://127.0.0.1:PORT
// and serves until SIGINT or SIGTERM. The defaults serve the example dataset of the source tree
// (examples/graphene: the graph, its watershed, and the demo volume's image as image source).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "support/fake_cave.h"

namespace {

void usage(std::FILE* to) {
  std::fprintf(to,
               "usage: fake-cave [--port N] [--graph graph.json] [--watershed DIR]\n"
               "                 [--data-dir URL] [--image-source URL] [--datastack NAME]\n"
               "                 [--table NAME] [--token T] [--local-server URL] [--delay-ms N]\n"
               "Serves a fake CAVE (info service, PyChunkedGraph, materialization) on\n"
               "127.0.0.1; --port 0 (the default) takes a free port. Defaults:\n"
               "  --graph %s\n"
               "  --watershed %s\n"
               "  --data-dir file://<absolute watershed folder>\n"
               "  --image-source precomputed://file://%s\n"
               "  --datastack imagery_demo  --token %s\n",
               imagery::testing::examples_path("graphene/graph.json").c_str(),
               imagery::testing::examples_path("graphene/watershed").c_str(),
               imagery::testing::examples_path("demo_volume/image").c_str(),
               imagery::testing::kFakeCaveToken);
}

}  // namespace

int main(int argc, char** argv) {
  using imagery::testing::examples_path;
  using imagery::testing::FakeCave;
  using imagery::testing::FakeCaveOptions;
  std::string graph = examples_path("graphene/graph.json");
  FakeCaveOptions o;
  o.watershed_dir = examples_path("graphene/watershed");
  o.image_source = "precomputed://file://" + examples_path("demo_volume/image");
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "-h" || a == "--help") {
        usage(stdout);
        return 0;
      }
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      const std::string v = argv[++i];
      if (a == "--port") {
        o.port = std::stoi(v);
      } else if (a == "--graph") {
        graph = v;
      } else if (a == "--watershed") {
        o.watershed_dir = v;
      } else if (a == "--data-dir") {
        o.data_dir = v;
      } else if (a == "--image-source") {
        o.image_source = v;
      } else if (a == "--datastack") {
        o.datastacks = {v};
        o.auth_dataset = v;
      } else if (a == "--table") {
        o.table = v;
      } else if (a == "--token") {
        o.token = v;
      } else if (a == "--local-server") {
        o.local_server = v;
      } else if (a == "--delay-ms") {
        o.delay_ms = std::stoi(v);
      } else {
        throw std::invalid_argument("unknown option " + a);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake-cave: %s\n", e.what());
    usage(stderr);
    return 2;
  }

  // Block the stop signals before the server's threads start (they inherit the mask), so that
  // sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  try {
    o.graph = imagery::testing::CaveGraph::load(graph);
    FakeCave cave(std::move(o));
    std::printf("fake CAVE at %s\n", cave.url().c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "  datastack %s, segmentation_source %s\n  token %s (header "
                 "\"Authorization: Bearer TOKEN\")\n",
                 cave.options().datastacks.empty() ? "-" : cave.options().datastacks[0].c_str(),
                 cave.segmentation_source().c_str(), cave.options().token.c_str());
    int sig = 0;
    sigwait(&stop, &sig);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake-cave: %s\n", e.what());
    return 1;
  }
  return 0;
}
