// Timestamps of the chunkedgraph: the instant a graphene segmentation is read at. Users give
// unix seconds (integer or fractional) or ISO 8601 ("2024-03-01", "2024-03-01T12:00:00.5Z",
// "...+02:00"; a time without a zone is UTC, as CAVEclient takes it); the server gets whole
// seconds rounded up, as CloudVolume sends them (int(ceil(t))), so the same instant gives the
// same roots through imagery and CloudVolume.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace imagery::cave {

// Microsecond precision is what the CAVE services keep (PostgreSQL/Bigtable timestamps).
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

// Throws kInvalidArgument naming `what` ("--timestamp") for anything else, and for instants
// before 1970 or after 9999.
Timestamp parse_timestamp(const std::string& text, const std::string& what = "timestamp");

// "2024-03-01T12:00:00Z", with ".ffffff" only when there is a fraction.
std::string format_timestamp(Timestamp t);

// The whole unix seconds sent to the chunkedgraph: rounded up, as CloudVolume does.
std::int64_t timestamp_seconds_sent(Timestamp t);

// Now, at microsecond precision.
Timestamp now_timestamp();

}  // namespace imagery::cave
