#include "imagery/neuroglancer/state_input.h"

#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "imagery/core/error.h"
#include "imagery/io/open_storage.h"
#include "imagery/io/url.h"

namespace imagery::neuroglancer {
namespace {

nlohmann::json parse_json_state(const std::string& text, const std::string& where) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail(ErrorCode::kInvalidArgument, "state " + where + ": not valid JSON");
  if (!doc.is_object())
    fail(ErrorCode::kInvalidArgument, "state " + where + ": a Neuroglancer state is a JSON object");
  return doc;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool is_url(const std::string& text) {
  return starts_with(text, "http://") || starts_with(text, "https://") ||
         starts_with(text, "gs://") || starts_with(text, "s3://") || starts_with(text, "file://");
}

// The JSON document at a URL, through the context's storage (credentials, retries, caches).
nlohmann::json fetch_state(const std::string& given_url, const std::string& reference,
                           io::Context& context) {
  std::string url = given_url;
  if (starts_with(url, "middleauth+")) url = url.substr(std::string("middleauth+").size());
  const auto slash = url.find_last_of('/');
  const auto scheme_end = url.find("://");
  if (slash == std::string::npos || (scheme_end != std::string::npos && slash < scheme_end + 3))
    fail(ErrorCode::kInvalidArgument, "state " + reference + ": '" + url + "' names no file");
  const std::string folder = url.substr(0, slash), key = url.substr(slash + 1);
  if (key.empty())
    fail(ErrorCode::kInvalidArgument, "state " + reference + ": '" + url + "' names no file");
  auto storage = io::open_storage(io::parse_storage_url(folder, url), context);
  auto object = storage->read(key);
  if (!object) fail(ErrorCode::kNotFound, "state " + reference + ": " + url + " was not found");
  const SharedBytes& bytes = object->bytes;
  return parse_json_state(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                          url);
}

// What follows "#!" in a link: the encoded JSON, or the URL of a JSON state.
nlohmann::json from_fragment(const std::string& fragment, const std::string& reference,
                             io::Context& context) {
  const std::string decoded = percent_decode(fragment);
  if (is_inline_state(decoded)) return parse_json_state(decoded, reference);
  if (is_url(decoded) || starts_with(decoded, "middleauth+"))
    return fetch_state(decoded, reference, context);
  fail(ErrorCode::kInvalidArgument,
       "state " + reference + ": the link's #! holds neither a JSON state nor its URL");
}

}  // namespace

bool is_inline_state(const std::string& reference) {
  for (char c : reference) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '{';
  }
  return false;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 1 < text.size() ? hex(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex(text[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      fail(ErrorCode::kInvalidArgument,
           "a broken %-escape at byte " + std::to_string(i) + " of the link");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string percent_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

nlohmann::json load_state(const std::string& reference, io::Context& context) {
  if (reference.empty()) fail(ErrorCode::kInvalidArgument, "state: empty");
  if (reference == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return parse_json_state(text, "from standard input");
  }
  if (is_inline_state(reference)) return parse_json_state(reference, "given inline");
  if (const auto bang = reference.find("#!"); bang != std::string::npos)
    return from_fragment(reference.substr(bang + 2), reference.substr(0, 80), context);
  if (const auto q = reference.find("json_url="); q != std::string::npos && is_url(reference)) {
    std::string json_url = reference.substr(q + 9);
    json_url = json_url.substr(0, json_url.find_first_of("&#"));
    return fetch_state(percent_decode(json_url), reference, context);
  }
  if (is_url(reference) || starts_with(reference, "middleauth+"))
    return fetch_state(reference, reference, context);
  std::ifstream in(reference, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, "state " + reference + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json_state(text.str(), reference);
}

std::string state_link(const nlohmann::json& state, const std::string& base) {
  return base.substr(0, base.find('#')) + "#!" + percent_encode(state.dump());
}

}  // namespace imagery::neuroglancer
