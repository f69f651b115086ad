// The crack code of one z-slice of a crackle stream (crackle.h has the whole stream): which
// pixel pairs of the slice are separated (or joined) by a crack. Cracks run along the pixel
// edges, from corner to corner of the (sx + 1) x (sy + 1) grid of pixel corners (vertex id
// x + (sx + 1) * y).
//
//   u32 n                 bytes of the chain-start index that follows
//   index (n bytes)       row count (Y bytes), then per row: y step (Y bytes; the first is y
//                         itself), vertex count c (X bytes), c x steps (X bytes; the first from 0)
//                         Y = byte_width(sy + 1), X = byte_width(sx + 1); byte_width(v) is 1, 2, 4
//                         or 8 as v <= 2^8 - 1, 2^16 - 1, 2^32 - 1.
//   moves                 without a Markov model: 2-bit codes, the low bits of each byte first;
//                         with one: a bit stream (low bits first) whose first 2 bits are the first
//                         code and whose next codes are ranks in the model's row for the last k
//                         codes: 0 -> rank 0, 10 -> 1, 110 -> 2, 111 -> 3 (bits in stream order).
//
// Codes are differences: move = (code + previous move) mod 4 over the whole slice (the first from
// 0), with UP 0, RIGHT 1, DOWN 2, LEFT 3. A chain starts at the next index vertex with one open
// branch. A move straight back over the move before it is no move: (UP, DOWN) and (LEFT, RIGHT)
// open a branch (the position is pushed), (DOWN, UP) and (RIGHT, LEFT) close one (the position of
// the last branch is popped); the pair's first move is not drawn and its second pairs with
// nothing. At no open branch the chain ends and the next vertex starts one; codes after the last
// chain (padding) are ignored.
//
// Moving from corner (x, y) down crosses the edge between pixels (x - 1, y) and (x, y); right the
// edge between (x, y - 1) and (x, y); up and left the same edges from the other end. Edges on the
// slice's border have no pixel pair and change nothing.
//
// The Markov model (order k): 4^k rows of 5 bits (low bits first), each the number of one of the
// 24 orderings of {0, 1, 2, 3} in lexicographic order (Python's itertools.permutations); the row
// of a context is the last k codes as a base-4 number, oldest code least significant, missing
// history 0.
//
// Traps: the pairing looks only at the previous code, and a pair leaves nothing to pair with; the
// Markov bit stream runs to the last bit of the slice's bytes (padding decodes as codes that come
// after the last chain); an index vertex or a move off the corner grid is corruption, as is a code
// stream that ends inside a chain.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "imagery/precomputed/internal/chunk_bytes.h"

namespace imagery::precomputed {

// byte_width(v) above.
inline int crackle_byte_width(std::uint64_t v) {
  return v <= 0xffu ? 1 : v <= 0xffffu ? 2 : v <= 0xffffffffu ? 4 : 8;
}

// A stream's Markov model: for each context row, its four codes by rank (2 bits each).
struct CrackMarkovModel {
  int order = 0;  // 0: the stream has no model
  std::vector<std::uint8_t> rows;
};

// Reads the 4^order rows stored at `offset`; throws kDataLoss for a row that names no ordering.
CrackMarkovModel read_crack_markov_model(const ChunkBytes& in, std::uint64_t offset, int order);

// The bytes the model of `order` takes in a stream.
std::uint64_t crack_markov_model_bytes(int order);

// Marks the edges the crack code of slice `z` crosses: joined_left[y*sx + x] (x >= 1) for the
// edge between pixels (x - 1, y) and (x, y), joined_up[y*sx + x] (y >= 1) for (x, y - 1) and
// (x, y), each set to `value`. Throws kDataLoss (naming the stream and the slice) for a malformed
// code.
void draw_crack_code(std::span<const std::byte> code, std::int64_t sx, std::int64_t sy,
                     const CrackMarkovModel& model, std::uint8_t value, std::uint8_t* joined_left,
                     std::uint8_t* joined_up, const ChunkBytes& in, std::int64_t z);

}  // namespace imagery::precomputed
