#include <heaplab/traces/reader.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "escape.h"

namespace heaplab {

std::string EscapeForMessage(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      AppendHexEscape(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

namespace {

struct Token {
  std::string_view text;
  std::uint32_t column;  // 1-based
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

// Splits a line into `tokens` (emptied first, its capacity kept, so that reading an event
// allocates nothing); a token starting with '#' ends the line.
void Tokenize(std::string_view line, std::vector<Token>& tokens) {
  tokens.clear();
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
}

// A token for a message: its first 40 bytes, escaped (EscapeForMessage), in quotes.
std::string Quote(std::string_view s) {
  std::string out = "'" + EscapeForMessage(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  return out + "'";
}

const char* kHeader = "heaplab-trace 1";

// Room for a whole line of kMaxLineLength bytes and its line end, and for reading ahead.
constexpr std::size_t kBufferSize = 4 * kMaxLineLength;
static_assert(kBufferSize > kMaxLineLength + 2);

// What the size limits are, for the "too large" messages.
constexpr const char* kObjectLimit = " (1 GiB - 8, V8's largest object)";
constexpr const char* kBufferLimit = " (4 GiB, Node's largest Buffer)";

}  // namespace

TraceReader::TraceReader(std::istream& in, std::string file, std::uint64_t first_line)
    : in_(in),
      file_(std::move(file)),
      buffer_(new char[kBufferSize]),
      line_(first_line == 0 ? 0 : first_line - 1) {
  ParseHeader();
}

TraceReader::~TraceReader() = default;

void TraceReader::Fail(std::uint32_t column, const std::string& message) const {
  throw TraceError(file_, line_ == 0 ? 1 : line_, column, message);
}

bool TraceReader::Refill() {
  if (at_eof_) return false;
  if (begin_ > 0) {  // keep the unread bytes, at the front
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  in_.read(buffer_.get() + end_, static_cast<std::streamsize>(kBufferSize - end_));
  const auto got = static_cast<std::size_t>(in_.gcount());
  end_ += got;
  if (in_.bad()) {
    ++line_;  // the line being read
    Fail(1, "read error");
  }
  if (got == 0) at_eof_ = true;
  return got > 0;
}

bool TraceReader::ReadRawLine() {
  std::size_t scanned = 0;  // bytes of the current line known to hold no line end
  for (;;) {
    if (skip_lf_ && begin_ < end_) {
      skip_lf_ = false;
      if (buffer_[begin_] == '\n') ++begin_;
    }
    const char* first = buffer_.get() + begin_;
    const char* last = buffer_.get() + end_;
    const char* eol =
        std::find_if(first + scanned, last, [](char c) { return c == '\n' || c == '\r'; });
    const auto length = static_cast<std::size_t>(eol - first);
    if (length > kMaxLineLength) {
      ++line_;
      Fail(static_cast<std::uint32_t>(kMaxLineLength + 1),
           "line too long: a trace line has at most " + std::to_string(kMaxLineLength) +
               " bytes (this one starts " + Quote(std::string_view(first, 41)) + ")");
    }
    if (eol != last) {
      line_text_ = std::string_view(first, length);
      begin_ += length + 1;
      skip_lf_ = *eol == '\r';
      ++line_;
      return true;
    }
    scanned = length;
    if (!Refill()) {
      if (begin_ == end_) return false;
      // The last line, without a line end.
      line_text_ = std::string_view(buffer_.get() + begin_, end_ - begin_);
      begin_ = end_;
      ++line_;
      return true;
    }
  }
}

bool TraceReader::ReadLine() {
  while (ReadRawLine()) {
    std::size_t i = 0;
    while (i < line_text_.size() && IsSpace(line_text_[i]))
      ++i;
    if (i == line_text_.size() || line_text_[i] == '#') continue;
    return true;
  }
  return false;
}

void TraceReader::ParseHeader() {
  if (!ReadLine()) Fail(1, std::string("empty trace: expected the header '") + kHeader + "'");
  std::vector<Token> t;
  Tokenize(line_text_, t);
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
  // One vector per thread, reused for every line (a sweep reads traces on several threads).
  thread_local std::vector<Token> tokens;
  Tokenize(line_text_, tokens);
  std::vector<Token>& t = tokens;
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
  // `limit` says what the maximum is, after it in the message ("" for nothing).
  auto number = [&](const char* what, std::uint64_t max, const char* limit = "") -> std::uint64_t {
    const Token& tok = field(what);
    std::uint64_t v = 0;
    const char* first = tok.text.data();
    const char* last = first + tok.text.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == last && v > max)) {
      Fail(tok.column, std::string("expected ") + what + " of at most " + std::to_string(max) +
                           limit + ", found " + Quote(tok.text));
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
         "expected an event (one of a o w l { } r d b t i g j m f x), found " + Quote(op.text));
  }
  switch (op.text[0]) {
    case 'a':
      e.op = Op::Allocate;
      e.id = number("an object id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize, kObjectLimit);
      e.slots = number("SLOTS, a slot count", kAny);
      if (next < t.size() && !t[next].text.empty() && t[next].text[0] == '@') {
        // @SITE: the number after '@', parsed as a field of its own.
        Token& site = t[next];
        site.text.remove_prefix(1);
        ++site.column;
        if (site.text.empty()) Fail(site.column, "expected SITE, a site number, after '@'");
        e.site = number("SITE, an allocation site number", kAny);
        e.has_site = true;
      }
      break;
    case 'o':
      e.op = Op::OldAllocate;
      e.id = number("an object id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceSize, kObjectLimit);
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
      e.size = number("SIZE in bytes", kMaxTraceBufferSize, kBufferLimit);
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
    case 'j':
      e.op = Op::Tier;
      e.site = number("SITE, an allocation site number", kAny);
      e.has_site = true;
      e.size = number("N, the allocations before the site's code is optimized", kMaxTierCount);
      break;
    case 'm':
      e.op = Op::Malloc;
      e.id = number("a block id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceBufferSize);
      break;
    case 'f':
      e.op = Op::Free;
      e.id = number("a block id", kAny);
      break;
    case 'x':
      e.op = Op::Realloc;
      e.id = number("a block id", kAny);
      e.size = number("SIZE in bytes", kMaxTraceBufferSize);
      break;
    default:
      Fail(op.column,
           "expected an event (one of a o w l { } r d b t i g j m f x), found " + Quote(op.text));
  }
  if (next < t.size()) {
    Fail(t[next].column, "expected end of line, found " + Quote(t[next].text));
  }
}

}  // namespace heaplab
