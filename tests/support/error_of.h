// error_of(fn): the imagery::Error that `fn` throws, failing the test when it throws none, so a
// test can check the code and the message of one call.
#pragma once

#include <catch2/catch.hpp>

#include "imagery/core/error.h"

namespace imagery::testing {

template <class Fn>
Error error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an imagery::Error");
  return Error(ErrorCode::kInternal, "unreachable");
}

}  // namespace imagery::testing
