// Credentials: tokens granted to an origin go to that origin only (scheme, host and port), and
// CloudVolume's secret files are chosen by the host a request goes to.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "imagery/io/credentials.h"
#include "support/test_support.h"

using namespace imagery;

TEST_CASE("a granted token goes to its origin only", "[io][credentials]") {
  io::Credentials c;
  c.set_use_secret_files(false);
  c.grant("https://Data.Example.org/bucket/em", "t1");
  CHECK(c.token_for("https://data.example.org/other/path") == "t1");
  CHECK(c.token_for("https://data.example.org:443/x") == "t1");   // the default port
  CHECK(c.token_for("https://data.example.org:8443/x").empty());  // another port
  CHECK(c.token_for("http://data.example.org/x").empty());        // cleartext: another origin
  CHECK(c.token_for("https://example.org/x").empty());
  CHECK(c.token_for("https://data.example.org.evil.net/x").empty());
  CHECK(c.token_for("https://data.example.org@evil.net/x").empty());  // user information
  c.grant("http://127.0.0.1:8080/vol", "t2");
  CHECK(c.token_for("http://127.0.0.1:8080/vol/info") == "t2");
  CHECK(c.token_for("http://127.0.0.1:8081/vol/info").empty());
  c.grant("https://data.example.org/", "");  // withdrawn
  CHECK(c.token_for("https://data.example.org/x").empty());
}

TEST_CASE("origins and hosts are read as libcurl reads a URL", "[io][credentials]") {
  CHECK(io::url_origin("https://Host.org/a?b#c") == "https://host.org:443");
  CHECK(io::url_origin("http://host.org:8080") == "http://host.org:8080");
  CHECK(io::url_origin("https://u:p@host.org:9/x") == "https://host.org:9");
  CHECK(io::url_origin("https://[::1]:8443/x") == "https://[::1]:8443");
  CHECK(io::url_origin("/local/path").empty());
  CHECK(io::url_host("https://good.org:x@evil.org/") == "evil.org");
  CHECK(io::url_host("https://evil.org#@good.org/") == "evil.org");
}

TEST_CASE("tokens come from CloudVolume's host-specific secret files only", "[io][credentials]") {
  imagery::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("secrets"));
  imagery::testing::write_file(dir.file("secrets/data.example.org-cave-secret.json"),
                               std::string(R"({"token": "t0k"})"));
  imagery::testing::write_file(dir.file("secrets/cave-secret.json"),
                               std::string(R"({"token": "generic"})"));
  imagery::testing::write_file(dir.file("secrets/bad.example.org-cave-secret.json"),
                               std::string("{not json"));
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("CLOUD_VOLUME_DIR", dir.path().c_str(), 1);
  ::setenv("HOME", dir.file("nohome").c_str(), 1);
  const io::Credentials credentials;
  CHECK(credentials.token_for("https://data.example.org/layer") == "t0k");
  CHECK(credentials.token_for("https://data.example.org:8443/layer") == "t0k");
  CHECK(credentials.token_for("https://other.example.org/layer")
            .empty());  // the generic file is not sent anywhere
  CHECK(credentials.token_for("https://bad.example.org/layer").empty());
  ::unsetenv("CLOUD_VOLUME_DIR");
  ::setenv("HOME", home.c_str(), 1);
}
