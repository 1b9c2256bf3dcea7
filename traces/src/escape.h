// Internal to traces/: bytes a message must not print as they are, as \xNN.
#pragma once

#include <string>
#include <string_view>

namespace heaplab {

inline void AppendHexEscape(std::string& out, unsigned char c) {
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// Control bytes (C0 and DEL) as \xNN: what a file name may hold that a terminal would obey.
inline std::string EscapeControlBytes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      AppendHexEscape(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace heaplab
