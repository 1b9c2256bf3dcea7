#include <heaplab/traces/reader.h>

#include <charconv>
#include <vector>

namespace heaplab {

TraceError::TraceError(std::string f, std::uint32_t l, std::uint32_t c, std::string m)
    : file(std::move(f)), line(l), column(c), message(std::move(m)) {
  text = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

struct Token {
  std::string_view text;
  std::uint32_t column;  // 1-based
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

// Splits a line into tokens; a token starting with '#' ends the line.
std::vector<Token> Tokenize(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i]))
      ++i;
    if (i >= line.size() || line[i] == '#') break;
    const std::size_t start = i;
    while (i < line.size() && !IsSpace(line[i]))
      ++i;
    tokens.push_back({line.substr(start, i - start), static_cast<std::uint32_t>(start + 1)});
  }
  return tokens;
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 40))
    out += (c >= 32 && c < 127) ? c : '?';
  if (s.size() > 40) out += "...";
  return out + "'";
}

const char* kHeader = "heaplab-trace 1";

}  // namespace

TraceReader::TraceReader(std::istream& in, std::string file) : in_(in), file_(std::move(file)) {
  ParseHeader();
}

void TraceReader::Fail(std::uint32_t column, const std::string& message) const {
  throw TraceError(file_, line_ == 0 ? 1 : line_, column, message);
}

bool TraceReader::ReadLine() {
  while (std::getline(in_, line_text_)) {
    ++line_;
    if (!line_text_.empty() && line_text_.back() == '\r') line_text_.pop_back();
    std::size_t i = 0;
    while (i < line_text_.size() && IsSpace(line_text_[i]))
      ++i;
    if (i == line_text_.size() || line_text_[i] == '#') continue;
    return true;
  }
  if (in_.bad()) Fail(1, "read error");
  return false;
}

void TraceReader::ParseHeader() {
  if (!ReadLine()) Fail(1, std::string("empty trace: expected the header '") + kHeader + "'");
  const std::vector<Token> t = Tokenize(line_text_);
  if (t[0].text != "heaplab-trace") {
    Fail(t[0].column,
         std::string("expected the header '") + kHeader + "', found " + Quote(t[0].text));
  }
  if (t.size() < 2)
    Fail(static_cast<std::uint32_t>(line_text_.size() + 1),
         "expected the format version after 'heaplab-trace'");
  if (t[1].text != "1") {
    Fail(t[1].column,
         "unsupported trace version " + Quote(t[1].text) + ": this heaplab reads version 1");
  }
  for (std::size_t i = 2; i < t.size(); ++i) {
    const std::size_t eq = t[i].text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      Fail(t[i].column, "expected metadata as key=value, found " + Quote(t[i].text));
    }
    metadata_[std::string(t[i].text.substr(0, eq))] = std::string(t[i].text.substr(eq + 1));
  }
}

bool TraceReader::Next(TraceEvent& e) {
  if (!ReadLine()) return false;
  ParseEvent(e);
  return true;
}

void TraceReader::ParseEvent(TraceEvent& e) {
  const std::vector<Token> t = Tokenize(line_text_);
  e = TraceEvent{};
  e.line = line_;
  const Token& op = t[0];
  e.column[0] = op.column;
  // A missing field is reported just after the last token (before any trailing comment).
  const std::uint32_t end_column =
      t.back().column + static_cast<std::uint32_t>(t.back().text.size());

  std::size_t next = 1;
  auto field = [&](const char* what) -> const Token& {
    if (next >= t.size()) Fail(end_column, std::string("expected ") + what + ", found end of line");
    e.column[next] = t[next].column;
    return t[next++];
  };
  auto number = [&](const char* what, std::uint64_t max) -> std::uint64_t {
    const Token& tok = field(what);
    std::uint64_t v = 0;
    const char* first = tok.text.data();
    const char* last = first + tok.text.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == last && v > max)) {
      Fail(tok.column, std::string("expected ") + what + " of at most " + std::to_string(max) +
                           ", found " + Quote(tok.text));
    }
    if (ec != std::errc() || ptr != last || tok.text[0] == '+') {
      Fail(tok.column, std::string("expected ") + what + " (an unsigned decimal integer), found " +
                           Quote(tok.text));
    }
    return v;
  };
  constexpr std::uint64_t kAny = ~std::uint64_t{0};

  if (op.text.size() != 1) {
    Fail(op.column,
         "expected an event (one of a w l { } r d b t i g m f x), found " + Quote(op.text));
  }
  switch (op.text[0]) {
    case 'a':
      e.op = Op::Allocate;
      e.id = number("an object id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize);
      e.slots = number("SLOTS, a slot count", kAny);
      break;
    case 'w': {
      e.op = Op::Write;
      e.id = number("an object id", kAny);
      e.size = number("SLOT, a slot index", kAny);
      if (next < t.size() && t[next].text == "-") {
        e.column[next] = t[next].column;
        ++next;
        e.null_target = true;
      } else {
        e.target = number("the id of the stored object, or '-' for null", kAny);
      }
      break;
    }
    case 'l':
      e.op = Op::Load;
      e.id = number("an object id", kAny);
      break;
    case '{':
      e.op = Op::Open;
      break;
    case '}':
      e.op = Op::Close;
      break;
    case 'r':
      e.op = Op::Root;
      e.id = number("an object id", kAny);
      break;
    case 'd':
      e.op = Op::Drop;
      e.id = number("an object id", kAny);
      break;
    case 'b': {
      e.op = Op::Buffer;
      e.id = number("a Buffer id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize);
      const Token& api = field("API (unsafe, alloc, slow, from or concat)");
      if (api.text == "unsafe") {
        e.api = BufferApi::Unsafe;
      } else if (api.text == "alloc") {
        e.api = BufferApi::Alloc;
      } else if (api.text == "slow") {
        e.api = BufferApi::Slow;
      } else if (api.text == "from") {
        e.api = BufferApi::From;
      } else if (api.text == "concat") {
        e.api = BufferApi::Concat;
      } else {
        Fail(api.column,
             "expected API (unsafe, alloc, slow, from or concat), found " + Quote(api.text));
      }
      break;
    }
    case 't':
      e.op = Op::Compute;
      e.size = number("MICROS, a duration in microseconds", std::uint64_t{1} << 40);
      break;
    case 'i':
      e.op = Op::Idle;
      e.size = number("MICROS, a duration in microseconds", std::uint64_t{1} << 40);
      break;
    case 'g': {
      e.op = Op::Gc;
      const Token& kind = field("'minor' or 'major'");
      if (kind.text == "minor") {
        e.major = false;
      } else if (kind.text == "major") {
        e.major = true;
      } else {
        Fail(kind.column, "expected 'minor' or 'major', found " + Quote(kind.text));
      }
      break;
    }
    case 'm':
      e.op = Op::Malloc;
      e.id = number("a block id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize);
      break;
    case 'f':
      e.op = Op::Free;
      e.id = number("a block id", kAny);
      break;
    case 'x':
      e.op = Op::Realloc;
      e.id = number("a block id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize);
      break;
    default:
      Fail(op.column,
           "expected an event (one of a w l { } r d b t i g m f x), found " + Quote(op.text));
  }
  if (next < t.size()) {
    Fail(t[next].column, "expected end of line, found " + Quote(t[next].text));
  }
}

}  // namespace heaplab
