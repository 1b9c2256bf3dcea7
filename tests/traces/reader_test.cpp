// The text trace reader's syntax checks (docs/trace-format.md): every malformed line is a
// TraceError that names the file, the line, the column and what was expected there; comments,
// blank lines and CRLF line endings are accepted; and what TraceWriter writes reads back into
// the same events.
#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>
#include <string>
#include <type_traits>
#include <vector>

#include <heaplab/traces/reader.h>
#include <heaplab/traces/writer.h>

namespace heaplab {
namespace {

constexpr const char* kFile = "t.hlt";

// Reads `text` to its end and returns every event. Lets a TraceError escape.
std::vector<TraceEvent> ReadAll(const std::string& text) {
  std::istringstream in(text);
  TraceReader reader(in, kFile);
  std::vector<TraceEvent> events;
  TraceEvent e;
  while (reader.Next(e))
    events.push_back(e);
  return events;
}

// Success when reading `text` fails with a TraceError at `line`:`column` whose message contains
// `message`, and whose text is "t.hlt:LINE:COL: message".
::testing::AssertionResult FailsAt(const std::string& text, std::uint32_t line,
                                   std::uint32_t column, const std::string& message) {
  try {
    ReadAll(text);
  } catch (const TraceError& e) {
    const std::string prefix =
        std::string(kFile) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (e.file != kFile || e.line != line || e.column != column ||
        e.message.find(message) == std::string::npos || e.text != prefix + e.message ||
        std::string(e.what()) != e.text) {
      return ::testing::AssertionFailure()
             << "expected an error at " << prefix << "...'" << message << "'..., got '" << e.what()
             << "' (file " << e.file << ", line " << e.line << ", column " << e.column << ")";
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected an error, but the trace read cleanly";
}

std::string Trace(const std::string& body) {
  return "heaplab-trace 1\n" + body;
}

// --- The header -------------------------------------------------------------------------------

TEST(ReaderHeader, EmptyInputIsAnError) {
  EXPECT_TRUE(FailsAt("", 1, 1, "empty trace: expected the header 'heaplab-trace 1'"));
}

TEST(ReaderHeader, OnlyCommentsAndBlankLinesIsEmpty) {
  // The error points at the last line read, not at line 1.
  EXPECT_TRUE(FailsAt("# a comment\n\n   \n", 3, 1, "empty trace"));
}

TEST(ReaderHeader, MissingHeader) {
  EXPECT_TRUE(FailsAt("a 1 16 0\n", 1, 1, "expected the header 'heaplab-trace 1', found 'a'"));
}

TEST(ReaderHeader, WrongMagicWord) {
  EXPECT_TRUE(FailsAt("  heaplab-traces 1\n", 1, 3,
                      "expected the header 'heaplab-trace 1', found 'heaplab-traces'"));
}

TEST(ReaderHeader, MissingVersion) {
  EXPECT_TRUE(
      FailsAt("heaplab-trace\n", 1, 14, "expected the format version after 'heaplab-trace'"));
}

TEST(ReaderHeader, WrongVersion) {
  EXPECT_TRUE(FailsAt("heaplab-trace 2\n", 1, 15,
                      "unsupported trace version '2': this heaplab reads version 1"));
  EXPECT_TRUE(FailsAt("heaplab-trace 1.0\n", 1, 15, "unsupported trace version '1.0'"));
}

TEST(ReaderHeader, MetadataWithoutEqualsSign) {
  EXPECT_TRUE(FailsAt("heaplab-trace 1 seed=7 churn\n", 1, 24,
                      "expected metadata as key=value, found 'churn'"));
}

TEST(ReaderHeader, MetadataWithEmptyKey) {
  EXPECT_TRUE(FailsAt("heaplab-trace 1 =7\n", 1, 17, "expected metadata as key=value, found '=7'"));
}

TEST(ReaderHeader, MetadataIsKept) {
  std::istringstream in("heaplab-trace 1 scenario=churn seed=7 empty= eq=a=b\n");
  TraceReader reader(in, kFile);
  const std::map<std::string, std::string> expected = {
      {"scenario", "churn"}, {"seed", "7"}, {"empty", ""}, {"eq", "a=b"}};
  EXPECT_EQ(reader.metadata(), expected);
  EXPECT_EQ(reader.file(), kFile);
  TraceEvent e;
  EXPECT_FALSE(reader.Next(e));
}

TEST(ReaderHeader, HeaderAfterCommentsAndWithTrailingComment) {
  std::istringstream in("# made by hand\n\n  heaplab-trace   1   # version one\nl 5\n");
  TraceReader reader(in, kFile);
  EXPECT_TRUE(reader.metadata().empty());
  EXPECT_EQ(reader.line(), 3u);
  TraceEvent e;
  ASSERT_TRUE(reader.Next(e));
  EXPECT_EQ(e.op, Op::Load);
  EXPECT_EQ(e.id, 5u);
  EXPECT_EQ(e.line, 4u);
}

// --- Events: the op -----------------------------------------------------------------------------

TEST(ReaderEvents, UnknownOp) {
  EXPECT_TRUE(FailsAt(Trace("z 1\n"), 2, 1,
                      "expected an event (one of a o w l { } r d b t i g j m f x), found 'z'"));
}

TEST(ReaderEvents, OpLongerThanOneCharacter) {
  EXPECT_TRUE(FailsAt(Trace("   alloc 1 16 0\n"), 2, 4,
                      "expected an event (one of a o w l { } "
                      "r d b t i g j m f x), found 'alloc'"));
  EXPECT_TRUE(FailsAt(Trace("{}\n"), 2, 1, "found '{}'"));
}

TEST(ReaderEvents, LongAndUnprintableTokensAreQuotedSafely) {
  EXPECT_TRUE(
      FailsAt(Trace(std::string(50, 'q') + "\n"), 2, 1, "found '" + std::string(40, 'q') + "...'"));
  EXPECT_TRUE(FailsAt(Trace("\x01\n"), 2, 1, "found '\\x01'"));
}

TEST(ReaderEvents, UnprintableBytesAreEscapedInMessages) {
  // Control bytes, DEL, bytes from 0x80 and the backslash itself never reach the terminal raw.
  EXPECT_TRUE(FailsAt(Trace(std::string("a\0b\n", 4)), 2, 1, "found 'a\\x00b'"));
  EXPECT_TRUE(FailsAt(Trace("\x1b[31mred\n"), 2, 1, "found '\\x1b[31mred'"));
  EXPECT_TRUE(FailsAt(Trace("l \x7f\xc3\xa9\n"), 2, 3, "found '\\x7f\\xc3\\xa9'"));
  EXPECT_TRUE(FailsAt(Trace("l a\\x00\n"), 2, 3, "found 'a\\\\x00'"));
  EXPECT_EQ(EscapeForMessage("ok 1\t\x01\\"), "ok 1\\x09\\x01\\\\");
  // The file name keeps its printable bytes (UTF-8 included) but not its control bytes.
  const TraceError e("d\xc3\xa9j\x1b[0m.hlt", 3, 4, "m");
  EXPECT_EQ(e.text, "d\xc3\xa9j\\x1b[0m.hlt:3:4: m");
}

// --- Events: missing fields ---------------------------------------------------------------------

TEST(ReaderFields, MissingFieldPointsAtTheEndOfTheLine) {
  EXPECT_TRUE(FailsAt(Trace("a\n"), 2, 2, "expected an object id, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("a 1\n"), 2, 4, "expected SIZE in bytes, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("a 1 16\n"), 2, 7, "expected SLOTS, a slot count, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("w 1\n"), 2, 4, "expected SLOT, a slot index, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("w 1 0\n"), 2, 6,
                      "expected the id of the stored object, or '-' for null, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("l\n"), 2, 2, "expected an object id, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("r\n"), 2, 2, "expected an object id, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("d\n"), 2, 2, "expected an object id, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("b 1 16\n"), 2, 7,
                      "expected API (unsafe, alloc, slow, from or concat), found end of line"));
  EXPECT_TRUE(FailsAt(Trace("t\n"), 2, 2,
                      "expected MICROS, a duration in microseconds, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("g\n"), 2, 2, "expected 'minor' or 'major', found end of line"));
  EXPECT_TRUE(FailsAt(Trace("m 1\n"), 2, 4, "expected SIZE in bytes, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("f\n"), 2, 2, "expected a block id, found end of line"));
  EXPECT_TRUE(FailsAt(Trace("x 1\n"), 2, 4, "expected SIZE in bytes, found end of line"));
}

// --- Events: numbers ----------------------------------------------------------------------------

TEST(ReaderNumbers, NonNumericField) {
  EXPECT_TRUE(FailsAt(Trace("a x 16 0\n"), 2, 3,
                      "expected an object id (an unsigned decimal integer), found 'x'"));
  EXPECT_TRUE(FailsAt(Trace("a 1 16 2x\n"), 2, 8,
                      "expected SLOTS, a slot count (an unsigned decimal integer), found '2x'"));
  EXPECT_TRUE(FailsAt(Trace("a 1 0x10 0\n"), 2, 5,
                      "expected SIZE in bytes (an unsigned decimal integer), found '0x10'"));
  EXPECT_TRUE(FailsAt(Trace("l +5\n"), 2, 3,
                      "expected an object id (an unsigned decimal integer), found '+5'"));
  EXPECT_TRUE(FailsAt(Trace("w 1 x 2\n"), 2, 5,
                      "expected SLOT, a slot index (an unsigned decimal integer), found 'x'"));
  EXPECT_TRUE(FailsAt(Trace("t 1.5\n"), 2, 3, "(an unsigned decimal integer), found '1.5'"));
}

TEST(ReaderNumbers, NegativeNumber) {
  EXPECT_TRUE(FailsAt(Trace("a 1 -16 0\n"), 2, 5,
                      "expected SIZE in bytes (an unsigned decimal integer), found '-16'"));
  EXPECT_TRUE(FailsAt(Trace("l -1\n"), 2, 3,
                      "expected an object id (an unsigned decimal integer), found '-1'"));
}

TEST(ReaderNumbers, NumberOverflow) {
  // 2^64 does not fit an id.
  EXPECT_TRUE(FailsAt(Trace("l 18446744073709551616\n"), 2, 3,
                      "expected an object id of at most 18446744073709551615, found "
                      "'18446744073709551616'"));
  EXPECT_TRUE(FailsAt(Trace("a 1 99999999999999999999999 0\n"), 2, 5,
                      "expected SIZE in bytes of at most 1073741816"));
}

TEST(ReaderNumbers, LargestIdIsAccepted) {
  const std::vector<TraceEvent> events = ReadAll(Trace("l 18446744073709551615\n"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, 18446744073709551615u);
}

TEST(ReaderNumbers, ObjectSizeLimitIsV8sLargestObject) {
  // FixedArrayBase::kMaxSize with 8-byte tagged slots: 1 GiB - 8, not the 4 GiB of a Buffer.
  EXPECT_EQ(kMaxTraceSize, (std::uint64_t{1} << 30) - 8);
  EXPECT_EQ(kMaxTraceBufferSize, std::uint64_t{1} << 32);
}

TEST(ReaderNumbers, SizeAboveTheLimit) {
  EXPECT_TRUE(FailsAt(Trace("a 1 1073741817 0\n"), 2, 5,
                      "expected SIZE in bytes of at most 1073741816 (1 GiB - 8, V8's largest "
                      "object), found '1073741817'"));
  EXPECT_TRUE(FailsAt(Trace("a 1 4294967296 0\n"), 2, 5,
                      "expected SIZE in bytes of at most 1073741816 (1 GiB - 8, V8's largest "
                      "object), found '4294967296'"));
  EXPECT_TRUE(FailsAt(Trace("b 1 4294967297 unsafe\n"), 2, 5,
                      "expected SIZE in bytes of at most 4294967296 (4 GiB, Node's largest "
                      "Buffer), found '4294967297'"));
  EXPECT_TRUE(
      FailsAt(Trace("m 1 4294967297\n"), 2, 5, "expected SIZE in bytes of at most 4294967296"));
  EXPECT_TRUE(
      FailsAt(Trace("x 1 4294967297\n"), 2, 5, "expected SIZE in bytes of at most 4294967296"));
  EXPECT_TRUE(FailsAt(Trace("t 1099511627777\n"), 2, 3,
                      "expected MICROS, a duration in microseconds of at most 1099511627776"));
}

TEST(ReaderNumbers, SizeAtTheLimitIsAccepted) {
  const std::vector<TraceEvent> events =
      ReadAll(Trace("a 1 1073741816 0\nt 1099511627776\nm 2 4294967296\nb 3 4294967296 slow\n"));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].size, 1073741816u);
  EXPECT_EQ(events[1].size, 1099511627776u);
  EXPECT_EQ(events[2].size, 4294967296u);
  EXPECT_EQ(events[3].size, 4294967296u);
}

TEST(ReaderNumbers, SizeIsReadAsWrittenNotRounded) {
  // Rounding up to 8 is the replayer's business; the event keeps the number of the trace.
  const std::vector<TraceEvent> events = ReadAll(Trace("a 1 13 1\n"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].size, 13u);
  EXPECT_EQ(events[0].slots, 1u);
}

// --- Events: words and the end of the line ------------------------------------------------------

TEST(ReaderEvents, TrailingJunk) {
  EXPECT_TRUE(FailsAt(Trace("l 1 2\n"), 2, 5, "expected end of line, found '2'"));
  EXPECT_TRUE(FailsAt(Trace("{ x\n"), 2, 3, "expected end of line, found 'x'"));
  EXPECT_TRUE(FailsAt(Trace("w 1 0 - 3\n"), 2, 9, "expected end of line, found '3'"));
  EXPECT_TRUE(FailsAt(Trace("g minor now\n"), 2, 9, "expected end of line, found 'now'"));
  EXPECT_TRUE(FailsAt(Trace("a 1 16 0 0\n"), 2, 10, "expected end of line, found '0'"));
}

TEST(ReaderEvents, BadBufferApi) {
  EXPECT_TRUE(FailsAt(Trace("b 1 100 fast\n"), 2, 9,
                      "expected API (unsafe, alloc, slow, from or concat), found 'fast'"));
  EXPECT_TRUE(FailsAt(Trace("b 1 100 Unsafe\n"), 2, 9, "found 'Unsafe'"));
}

TEST(ReaderEvents, BufferApis) {
  const std::vector<TraceEvent> events =
      ReadAll(Trace("b 1 1 unsafe\nb 2 2 alloc\nb 3 3 slow\nb 4 4 from\nb 5 5 concat\n"));
  ASSERT_EQ(events.size(), 5u);
  const BufferApi expected[] = {BufferApi::Unsafe, BufferApi::Alloc, BufferApi::Slow,
                                BufferApi::From, BufferApi::Concat};
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].op, Op::Buffer);
    EXPECT_EQ(events[i].id, i + 1);
    EXPECT_EQ(events[i].size, i + 1);
    EXPECT_EQ(events[i].api, expected[i]) << i;
  }
  EXPECT_STREQ(BufferApiName(BufferApi::Concat), "concat");
}

TEST(ReaderEvents, BadGcArgument) {
  EXPECT_TRUE(FailsAt(Trace("g full\n"), 2, 3, "expected 'minor' or 'major', found 'full'"));
  EXPECT_TRUE(FailsAt(Trace("g 1\n"), 2, 3, "expected 'minor' or 'major', found '1'"));
  const std::vector<TraceEvent> events = ReadAll(Trace("g minor\ng major\n"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].op, Op::Gc);
  EXPECT_FALSE(events[0].major);
  EXPECT_TRUE(events[1].major);
}

// `j SITE N`: the site's code is optimized after N allocations with a memento.
TEST(ReaderEvents, TierUp) {
  const std::vector<TraceEvent> events = ReadAll(Trace("j 7 4668\nj 18446744073709551615 0\n"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].op, Op::Tier);
  EXPECT_TRUE(events[0].has_site);
  EXPECT_EQ(events[0].site, 7u);
  EXPECT_EQ(events[0].size, 4668u);
  EXPECT_EQ(events[1].site, 18446744073709551615u);
  EXPECT_EQ(events[1].size, 0u);
  EXPECT_TRUE(FailsAt(Trace("j 7\n"), 2, 4,
                      "expected N, the allocations before the site's code is optimized"));
  EXPECT_TRUE(FailsAt(Trace("j @7 10\n"), 2, 3, "expected SITE, an allocation site number"));
  EXPECT_TRUE(FailsAt(Trace("j 7 2147483648\n"), 2, 5,
                      "expected N, the allocations before the site's code is optimized of at "
                      "most 2147483647, found '2147483648'"));
  EXPECT_TRUE(FailsAt(Trace("j 7 10 3\n"), 2, 8, "expected end of line, found '3'"));
}

TEST(ReaderEvents, WriteOfNull) {
  const std::vector<TraceEvent> events = ReadAll(Trace("w 4 2 -\nw 4 3 9\n"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].null_target);
  EXPECT_EQ(events[0].id, 4u);
  EXPECT_EQ(events[0].size, 2u);
  EXPECT_EQ(events[0].column[3], 7u);
  EXPECT_FALSE(events[1].null_target);
  EXPECT_EQ(events[1].target, 9u);
}

// --- Layout: columns, comments, blank lines, line endings ---------------------------------------

TEST(ReaderLayout, EventsRememberLineAndColumns) {
  const std::vector<TraceEvent> events = ReadAll(Trace("  a  12\t16 0\n"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].line, 2u);
  EXPECT_EQ(events[0].column[0], 3u);
  EXPECT_EQ(events[0].column[1], 6u);
  EXPECT_EQ(events[0].column[2], 9u);
  EXPECT_EQ(events[0].column[3], 12u);
}

TEST(ReaderLayout, CommentsAndBlankLinesAreSkippedButCounted) {
  const std::string text =
      "# leading comment\n"
      "\n"
      "heaplab-trace 1 seed=3\n"  // line 3
      "# a comment line\n"
      "   # an indented comment\n"
      "\n"
      "  \t \n"
      "a 1 16 1   # a trailing comment\n"  // line 8
      "{\n"                                // line 9
      "a 2 8 0#glued\n";                   // line 10: '#' inside a token is not a comment
  std::istringstream in(text);
  TraceReader reader(in, kFile);
  EXPECT_EQ(reader.metadata().at("seed"), "3");
  TraceEvent e;
  ASSERT_TRUE(reader.Next(e));
  EXPECT_EQ(e.op, Op::Allocate);
  EXPECT_EQ(e.line, 8u);
  EXPECT_EQ(e.slots, 1u);
  ASSERT_TRUE(reader.Next(e));
  EXPECT_EQ(e.op, Op::Open);
  EXPECT_EQ(e.line, 9u);
  EXPECT_TRUE(FailsAt(
      text, 10, 7, "expected SLOTS, a slot count (an unsigned decimal integer), found '0#glued'"));
}

TEST(ReaderLayout, ErrorLineCountsCommentsAndBlankLines) {
  EXPECT_TRUE(FailsAt("# c\n\nheaplab-trace 1\n# c\n\nl 1\n\n   # c\nq\n", 9, 1, "found 'q'"));
}

TEST(ReaderLayout, CrlfLineEndingsAreAccepted) {
  const std::vector<TraceEvent> events =
      ReadAll("heaplab-trace 1 seed=1\r\n# comment\r\n\r\na 1 16 1\r\n{\r\nw 1 0 -\r\n}\r\n");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].op, Op::Allocate);
  EXPECT_EQ(events[0].slots, 1u);
  EXPECT_EQ(events[0].line, 4u);
  EXPECT_EQ(events[1].op, Op::Open);
  EXPECT_EQ(events[2].op, Op::Write);
  EXPECT_TRUE(events[2].null_target);
  EXPECT_EQ(events[3].op, Op::Close);
  EXPECT_EQ(events[3].line, 7u);
}

TEST(ReaderLayout, CrlfDoesNotShiftColumns) {
  // The '\r' is not part of the line: the end of "a 1 16" is column 7, as without it.
  EXPECT_TRUE(FailsAt("heaplab-trace 1\r\na 1 16\r\n", 2, 7, "found end of line"));
  EXPECT_TRUE(FailsAt("heaplab-trace 2\r\n", 1, 15, "unsupported trace version '2'"));
}

TEST(ReaderLayout, LastLineWithoutNewline) {
  const std::vector<TraceEvent> events = ReadAll("heaplab-trace 1\nl 3");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, 3u);
}

TEST(ReaderLayout, CrOnlyLineEndingsAreAccepted) {
  // A lone CR ends a line (old Mac files), as LF and CRLF do; each one counts as a line.
  const std::vector<TraceEvent> events = ReadAll("heaplab-trace 1\ra 1 16 1\r\r# c\rl 1\r");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].op, Op::Allocate);
  EXPECT_EQ(events[0].line, 2u);
  EXPECT_EQ(events[0].slots, 1u);
  EXPECT_EQ(events[1].op, Op::Load);
  EXPECT_EQ(events[1].line, 5u);
  EXPECT_TRUE(FailsAt("heaplab-trace 1\ra 1 16 1\rq\r", 3, 1, "found 'q'"));
  // CR CR LF is two lines (the first CR ends one, CR LF the next, an empty one).
  EXPECT_TRUE(FailsAt("heaplab-trace 1\r\r\nq\n", 3, 1, "found 'q'"));
}

TEST(ReaderLayout, CrlfSplitAcrossReadsIsOneLineEnd) {
  // The reader reads ahead in blocks; wherever a block ends, CR LF stays one line end. Moving
  // the CR LF across the first block boundary (4 * kMaxLineLength bytes) must not add a line.
  const std::size_t boundary = 4 * kMaxLineLength;
  for (std::size_t at = boundary - 3; at <= boundary + 2; ++at) {
    std::string text = "heaplab-trace 1\n";  // line 1
    while (text.size() + 1000 < at)
      text += "#" + std::string(998, 'c') + "\n";  // 1000-byte comment lines
    const std::uint64_t lines_before = 1 + (text.size() - 16) / 1000;
    text += "#" + std::string(at - text.size() - 1, 'c') + "\r\n";  // CR at `at`
    text += "l 7\r\n";
    SCOPED_TRACE("CR at byte " + std::to_string(at));
    ASSERT_EQ(text[at], '\r');
    const std::vector<TraceEvent> events = ReadAll(text);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].id, 7u);
    EXPECT_EQ(events[0].line, lines_before + 2);
  }
}

// --- Limits: line length, line numbers ----------------------------------------------------------

TEST(ReaderLimits, LineOfTheMaximumLengthIsAccepted) {
  const std::string comment = "#" + std::string(kMaxLineLength - 1, 'c');
  const std::string event = "l 5" + std::string(kMaxLineLength - 8, ' ') + "# end";
  ASSERT_EQ(event.size(), kMaxLineLength);
  const std::vector<TraceEvent> events = ReadAll(Trace(comment + "\n" + event + "\n"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, 5u);
  EXPECT_EQ(events[0].line, 3u);
}

TEST(ReaderLimits, LongerLineIsAnErrorAtItsLine) {
  EXPECT_EQ(kMaxLineLength, 65536u);
  const std::string comment = "#" + std::string(kMaxLineLength, 'c');  // one byte too many
  EXPECT_TRUE(FailsAt(Trace("l 1\n" + comment + "\nl 2\n"), 3, 65537,
                      "line too long: a trace line has at most 65536 bytes (this one starts '#" +
                          std::string(39, 'c') + "...')"));
  // The last line, without a line end, too.
  EXPECT_TRUE(FailsAt(Trace(comment), 2, 65537, "line too long"));
  // The header line is no exception.
  EXPECT_TRUE(FailsAt("heaplab-trace 1 k=" + std::string(kMaxLineLength, 'v') + "\n", 1, 65537,
                      "line too long"));
}

// An endless input of one byte, as /dev/zero is, that counts how much was taken from it.
class EndlessBuf : public std::streambuf {
 public:
  explicit EndlessBuf(char byte) : block_(4096, byte) {}
  std::size_t served() const { return served_; }

 protected:
  int_type underflow() override {
    setg(block_.data(), block_.data(), block_.data() + block_.size());
    served_ += block_.size();
    return traits_type::to_int_type(block_[0]);
  }

 private:
  std::string block_;
  std::size_t served_ = 0;
};

TEST(ReaderLimits, EndlessLineFailsAtOnceInBoundedMemory) {
  EndlessBuf zeros('\0');
  std::istream in(&zeros);
  try {
    TraceReader reader(in, "<stdin>");
    FAIL() << "an endless line was accepted";
  } catch (const TraceError& e) {
    EXPECT_EQ(e.line, 1u);
    EXPECT_EQ(e.column, kMaxLineLength + 1);
    EXPECT_EQ(std::string(e.what()).rfind("<stdin>:1:65537: line too long", 0), 0u) << e.what();
    EXPECT_NE(e.message.find("starts '\\x00\\x00"), std::string::npos) << e.message;
  }
  // It stopped after its read-ahead block, not at the end of the input (there is none).
  EXPECT_LE(zeros.served(), 4 * kMaxLineLength + 4096);
}

TEST(ReaderLimits, LineNumbersAreSixtyFourBit) {
  static_assert(std::is_same_v<decltype(TraceEvent::line), std::uint64_t>);
  static_assert(std::is_same_v<decltype(TraceError::line), std::uint64_t>);
  // Start numbering just below 2^32 (as if 2^32 - 2 lines came before) and cross it.
  std::istringstream in("heaplab-trace 1\nl 1\n\nl 2\nq\n");
  TraceReader reader(in, kFile, 4294967295u);  // the header is line 2^32 - 1
  EXPECT_EQ(reader.line(), 4294967295u);
  TraceEvent e;
  ASSERT_TRUE(reader.Next(e));
  EXPECT_EQ(e.line, 4294967296u);
  ASSERT_TRUE(reader.Next(e));
  EXPECT_EQ(e.line, 4294967298u);
  try {
    reader.Next(e);
    FAIL() << "'q' was accepted";
  } catch (const TraceError& error) {
    EXPECT_EQ(error.line, 4294967299u);
    EXPECT_EQ(std::string(error.what()).rfind("t.hlt:4294967299:1: ", 0), 0u) << error.what();
  }
}

// --- Round trip ---------------------------------------------------------------------------------

TraceEvent Make(Op op, Id id = 0, std::uint64_t size = 0, std::uint64_t slots = 0) {
  TraceEvent e;
  e.op = op;
  e.id = id;
  e.size = size;
  e.slots = slots;
  return e;
}

TEST(ReaderRoundTrip, WriterOutputReadsBackIntoTheSameEvents) {
  std::vector<TraceEvent> events;
  events.push_back(Make(Op::Allocate, 1, 24, 2));
  events.push_back(Make(Op::Allocate, 18446744073709551615u, 1073741816u, 268435455u));
  TraceEvent w = Make(Op::Write, 1, 1);
  w.target = 18446744073709551615u;
  events.push_back(w);
  TraceEvent wn = Make(Op::Write, 1, 0);
  wn.null_target = true;
  events.push_back(wn);
  events.push_back(Make(Op::Load, 7));
  events.push_back(Make(Op::Open));
  events.push_back(Make(Op::Close));
  events.push_back(Make(Op::Root, 1));
  events.push_back(Make(Op::Drop, 1));
  for (BufferApi api :
       {BufferApi::Unsafe, BufferApi::Alloc, BufferApi::Slow, BufferApi::From, BufferApi::Concat}) {
    TraceEvent b = Make(Op::Buffer, 100 + static_cast<Id>(api), 4095);
    b.api = api;
    events.push_back(b);
  }
  events.push_back(Make(Op::Compute, 0, 1099511627776u));
  TraceEvent minor = Make(Op::Gc);
  events.push_back(minor);
  TraceEvent major = Make(Op::Gc);
  major.major = true;
  events.push_back(major);
  TraceEvent sited = Make(Op::Allocate, 2, 64, 1);
  sited.has_site = true;
  sited.site = 12;
  events.push_back(sited);
  TraceEvent tier = Make(Op::Tier, 0, 4668);
  tier.has_site = true;
  tier.site = 12;
  events.push_back(tier);
  events.push_back(Make(Op::Malloc, 3, 100));
  events.push_back(Make(Op::Realloc, 3, 200));
  events.push_back(Make(Op::Free, 3));

  std::ostringstream out;
  TraceWriter writer(out, {{"scenario", "hand"}, {"seed", "7"}});
  for (const TraceEvent& e : events)
    writer.Put(e);
  EXPECT_EQ(writer.events(), events.size());

  const std::string text = out.str();
  EXPECT_EQ(text.substr(0, text.find('\n')), "heaplab-trace 1 scenario=hand seed=7");

  std::istringstream in(text);
  TraceReader reader(in, kFile);
  EXPECT_EQ(reader.metadata().at("scenario"), "hand");
  EXPECT_EQ(reader.metadata().at("seed"), "7");
  std::vector<TraceEvent> back;
  TraceEvent e;
  while (reader.Next(e))
    back.push_back(e);

  ASSERT_EQ(back.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i) + ": " + FormatEvent(events[i]));
    EXPECT_EQ(back[i].op, events[i].op);
    EXPECT_EQ(back[i].id, events[i].id);
    EXPECT_EQ(back[i].size, events[i].size);
    EXPECT_EQ(back[i].slots, events[i].slots);
    EXPECT_EQ(back[i].target, events[i].target);
    EXPECT_EQ(back[i].null_target, events[i].null_target);
    EXPECT_EQ(back[i].major, events[i].major);
    EXPECT_EQ(back[i].api, events[i].api);
    EXPECT_EQ(back[i].has_site, events[i].has_site);
    EXPECT_EQ(back[i].site, events[i].site);
    EXPECT_EQ(back[i].line, i + 2);  // the header is line 1
    EXPECT_EQ(FormatEvent(back[i]), FormatEvent(events[i]));
  }
}

TEST(ReaderRoundTrip, FormatEventLines) {
  TraceEvent w = Make(Op::Write, 3, 1);
  w.null_target = true;
  EXPECT_EQ(FormatEvent(w), "w 3 1 -");
  w.null_target = false;
  w.target = 9;
  EXPECT_EQ(FormatEvent(w), "w 3 1 9");
  EXPECT_EQ(FormatEvent(Make(Op::Allocate, 5, 48, 2)), "a 5 48 2");
  EXPECT_EQ(FormatEvent(Make(Op::Open)), "{");
  EXPECT_EQ(FormatEvent(Make(Op::Close)), "}");
  TraceEvent b = Make(Op::Buffer, 2, 10);
  b.api = BufferApi::Slow;
  EXPECT_EQ(FormatEvent(b), "b 2 10 slow");
  TraceEvent g = Make(Op::Gc);
  g.major = true;
  EXPECT_EQ(FormatEvent(g), "g major");
  EXPECT_EQ(FormatEvent(Make(Op::Compute, 0, 250)), "t 250");
  TraceEvent j = Make(Op::Tier, 0, 4668);
  j.site = 3;
  EXPECT_EQ(FormatEvent(j), "j 3 4668");
}

TEST(ReaderRoundTrip, WriterWithoutMetadataWritesABareHeader) {
  std::ostringstream out;
  TraceWriter writer(out, {});
  writer.Put(Make(Op::Load, 1));
  EXPECT_EQ(out.str(), "heaplab-trace 1\nl 1\n");
}

}  // namespace
}  // namespace heaplab
