#include "imagery/precomputed/internal/jpeg_rows.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <csetjmp>
#include <cstdio>

#include <algorithm>
#include <vector>

#include "imagery/core/error.h"

namespace imagery::precomputed {

namespace {

// libjpeg reports errors through longjmp; nothing with a destructor lives in the frames it
// unwinds (decode_rows below holds only plain data), and the message is thrown afterwards.
struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings (a truncated stream padded with an end marker, bad Huffman codes) are errors, as with
// TurboJPEG's TJFLAG_STOPONWARNING.
void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) on_error(cinfo);
}

// A progressive JPEG with thousands of scans would take minutes (TJFLAG_LIMITSCANS's limit).
void on_progress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->inputctl && d->input_scan_number > 500) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    std::snprintf(err->message, sizeof err->message, "more than 500 scans");
    std::longjmp(err->jump, 1);
  }
}

// 0 on success, else a message in err.message.
int decode_rows(const unsigned char* data, unsigned long size, int width, int height, int first_row,
                int last_row, std::uint8_t* pixels, std::uint8_t* spare_row, ErrorManager& err) {
  jpeg_decompress_struct cinfo;
  jpeg_progress_mgr progress;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  progress.progress_monitor = on_progress;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<int>(cinfo.image_width) != width ||
      static_cast<int>(cinfo.image_height) != height || cinfo.num_components != 1) {
    std::snprintf(err.message, sizeof err.message,
                  "a %ux%u JPEG of %d components, expected %dx%d grey", cinfo.image_width,
                  cinfo.image_height, cinfo.num_components, width, height);
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  if (first_row > 0) jpeg_skip_scanlines(&cinfo, static_cast<JDIMENSION>(first_row));
  while (static_cast<int>(cinfo.output_scanline) < last_row) {
    JSAMPROW row = pixels + static_cast<std::size_t>(cinfo.output_scanline) * width;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  // The rest is entropy-decoded without its IDCT, so damage anywhere is still noticed. Skipping
  // to the very end would decode nothing (libjpeg just jumps there), so the last row is read, into
  // a spare row: rows outside the run are left as they were.
  if (last_row < height) {
    if (height - last_row > 1)
      jpeg_skip_scanlines(&cinfo, static_cast<JDIMENSION>(height - last_row - 1));
    JSAMPROW row = spare_row;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return 0;
}

}  // namespace

void decode_jpeg_grey_rows(std::span<const std::byte> bytes, int width, int height, int first_row,
                           int last_row, std::uint8_t* pixels, const std::string& name) {
  if (bytes.size() > 0xffffffffu || first_row < 0 || last_row > height || first_row > last_row)
    fail(ErrorCode::kDataLoss, name + ": corrupt JPEG data (bad size or rows)");
  ErrorManager err;
  std::vector<std::uint8_t> spare_row(static_cast<std::size_t>(std::max(width, 1)));
  if (decode_rows(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<unsigned long>(bytes.size()), width, height, first_row, last_row,
                  pixels, spare_row.data(), err) != 0)
    fail(ErrorCode::kDataLoss, name + ": corrupt JPEG data (" + err.message + ")");
}

}  // namespace imagery::precomputed
