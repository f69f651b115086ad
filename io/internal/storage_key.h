// Storage keys are paths relative to a volume's root ("info", "8_8_40/0-64_0-64_0-8",
// "s0/00a.shard"). Parts of them come from the volume's own info, which a hostile server
// writes, so a key must never name anything outside the volume's prefix: no ".." segment,
// no leading "/", no backslash, no URL syntax ("://", "?", "#"), no control characters,
// and no percent-escapes that decode to any of these (some servers decode twice).
// The info parser applies this to every key-like field and each storage back end applies it
// again to every key it is handed, so no code path can skip it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imagery::io {

// Why `key` would leave the volume ("a '..' segment", "an absolute path", ...), or nullopt when it
// stays inside.
std::optional<std::string> key_escape_reason(std::string_view key);

// Throws kInvalidArgument "key '<key>' leaves the volume at <root>: <reason>" unless the key
// stays inside.
void check_storage_key(std::string_view key, const std::string& root);

// `text` in single quotes with control characters escaped, for messages about untrusted strings.
std::string quoted_text(std::string_view text);

}  // namespace imagery::io
