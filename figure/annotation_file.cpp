#include "imagery/figure/annotation_file.h"

#include <charconv>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/figure/table_file.h"
#include "imagery/palettes/parse_color.h"

namespace imagery::figure {

namespace {

using nlohmann::json;

// Coordinates stay far inside what a figure can address; anything beyond is a broken file.
constexpr double kCoordinateLimit = 0x1p60;

class RowReader {
 public:
  RowReader(const Table& table, const TableRow& row, MarkKind kind)
      : table_(table), row_(row), kind_(kind) {}

  Mark read() {
    Mark m;
    m.kind = kind_;
    m.line = row_.line;
    if (kind_ == MarkKind::kPoint) {
      m.a = point({"x", "y", "z"}, {"position", "point", "ctr_pt_position", "pt_position",
                                    "pre_pt_position", "post_pt_position"});
    } else {
      std::vector<std::string> first = {"point_a", "pointA"}, second = {"point_b", "pointB"};
      if (kind_ == MarkKind::kLine) {
        first.push_back("pre_pt_position");
        second.push_back("post_pt_position");
      }
      m.a = point({"x1", "y1", "z1"}, first, false);
      m.b = point({"x2", "y2", "z2"}, second, false);
    }
    if (const json* c = cell("color")) {
      try {
        m.color = palettes::parse_color(text(*c, "color"), "color");
      } catch (const Error& e) {
        bad(e.what());
      }
    }
    const json* size = cell("marker_size");
    if (!size && !is_cave_export()) size = cell("size");
    if (size) {
      const double s = number(*size, "size");
      if (!(s > 0 && s <= 10000)) bad("size must be within 0..10000 pixels");
      m.size = s;
    }
    if (const json* shape = cell("shape")) {
      const std::string t = text(*shape, "shape");
      if (t == "circle")
        m.shape = MarkShape::kCircle;
      else if (t == "cross")
        m.shape = MarkShape::kCross;
      else if (t == "square")
        m.shape = MarkShape::kSquare;
      else
        bad("shape must be circle, cross or square, got '" + t + "'");
    }
    if (const json* label = cell("label")) m.label = text(*label, "label");
    if (m.label.size() > 1000) bad("label is longer than 1000 bytes");
    return m;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    fail(ErrorCode::kInvalidArgument, mark_kind_name(kind_) + " file " + table_.name + ": line " +
                                          std::to_string(row_.line) + ": " + what);
  }

  const json* cell(const std::string& key) const {
    const auto it = row_.values.find(key);
    if (it == row_.values.end() || it->is_null()) return nullptr;
    return &*it;
  }

  bool is_cave_export() const {
    for (auto it = row_.values.begin(); it != row_.values.end(); ++it) {
      const std::string& k = it.key();
      if (k.size() > 12 && k.compare(k.size() - 12, 12, "_pt_position") == 0) return true;
    }
    return false;
  }

  std::string text(const json& v, const std::string& what) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    bad(what + ": expected text, got " + v.type_name());
  }

  double number(const json& v, const std::string& what) const {
    double d = 0;
    if (v.is_number()) {
      d = v.get<double>();
    } else if (v.is_string()) {
      std::string s = v.get<std::string>();
      const auto b = s.find_first_not_of(" \t");
      const auto e = s.find_last_not_of(" \t");
      s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        bad(what + ": '" + s + "' is not a number");
    } else {
      bad(what + ": expected a number, got " + v.type_name());
    }
    if (!std::isfinite(d) || std::fabs(d) > kCoordinateLimit)
      bad(what + ": not a finite number within +-2^60");
    return d;
  }

  // "[x y z]", "[x, y, z]", "(x, y, z)", "x,y,z" or a JSON array of three numbers.
  Vec3d vector_of(const json& v, const std::string& what) const {
    std::vector<double> out;
    if (v.is_array()) {
      for (const json& item : v) out.push_back(number(item, what));
    } else if (v.is_string()) {
      std::string s = v.get<std::string>();
      for (char& c : s)
        if (c == '[' || c == ']' || c == '(' || c == ')' || c == ',' || c == '\t') c = ' ';
      std::size_t at = 0;
      while (at < s.size()) {
        while (at < s.size() && s[at] == ' ') ++at;
        if (at >= s.size()) break;
        std::size_t end = s.find(' ', at);
        if (end == std::string::npos) end = s.size();
        out.push_back(number(json(s.substr(at, end - at)), what));
        at = end;
        if (out.size() > 3) break;
      }
    } else {
      bad(what + ": expected [x, y, z], got " + v.type_name());
    }
    if (out.size() != 3) bad(what + ": expected three coordinates");
    return {out[0], out[1], out[2]};
  }

  // From the three axis columns, else the first position column present.
  Vec3d point(const std::vector<std::string>& axes, const std::vector<std::string>& columns,
              bool any_position = true) const {
    const json* x = cell(axes[0]);
    const json* y = cell(axes[1]);
    const json* z = cell(axes[2]);
    if (x || y || z) {
      if (!x || !y || !z)
        bad("give all of " + axes[0] + ", " + axes[1] + ", " + axes[2] + " (a value is missing)");
      return {number(*x, axes[0]), number(*y, axes[1]), number(*z, axes[2])};
    }
    for (const std::string& c : columns)
      if (const json* v = cell(c)) return vector_of(*v, c);
    if (any_position)
      for (auto it = row_.values.begin(); it != row_.values.end(); ++it) {
        const std::string& k = it.key();
        if (k.size() > 9 && k.compare(k.size() - 9, 9, "_position") == 0 && !it->is_null())
          return vector_of(*it, k);
      }
    std::string names = axes[0] + "," + axes[1] + "," + axes[2];
    for (const std::string& c : columns) names += " or " + c;
    bad("no coordinates: give " + names);
  }

  const Table& table_;
  const TableRow& row_;
  MarkKind kind_;
};

std::vector<Mark> marks_of(const Table& table, MarkKind kind) {
  std::vector<Mark> marks;
  marks.reserve(table.rows.size());
  for (const TableRow& row : table.rows) {
    if (!row.error.empty())
      fail(ErrorCode::kInvalidArgument, mark_kind_name(kind) + " file " + table.name + ": line " +
                                            std::to_string(row.line) + ": " + row.error);
    marks.push_back(RowReader(table, row, kind).read());
  }
  return marks;
}

}  // namespace

std::string mark_kind_name(MarkKind kind) {
  switch (kind) {
    case MarkKind::kPoint:
      return "points";
    case MarkKind::kLine:
      return "lines";
    case MarkKind::kBox:
      return "boxes";
  }
  return "points";
}

std::vector<Mark> parse_marks(std::string_view text, const std::string& name, MarkKind kind) {
  return marks_of(parse_table(text, name, mark_kind_name(kind) + " file"), kind);
}

std::vector<Mark> read_marks(const std::string& path, MarkKind kind) {
  return marks_of(read_table(path, mark_kind_name(kind) + " file"), kind);
}

}  // namespace imagery::figure
