// The five ways a Node program makes a Buffer, as a trace's `b` event names them. Only three of
// them may use the pool (Node 20's lib/buffer.js): Buffer.allocUnsafe ("unsafe"), Buffer.from
// of a string or array ("from") and Buffer.concat ("concat"). Buffer.alloc ("alloc") and
// Buffer.allocUnsafeSlow ("slow") always get a backing store of their own.
#pragma once

#include <cstdint>
#include <string_view>

namespace heaplab {

enum class BufferApi : std::uint8_t { Unsafe, Alloc, Slow, From, Concat };

const char* BufferApiName(BufferApi api);  // "unsafe", "alloc", "slow", "from", "concat"
bool ParseBufferApi(std::string_view text, BufferApi& out);
inline bool ApiMayPool(BufferApi api) {
  return api == BufferApi::Unsafe || api == BufferApi::From || api == BufferApi::Concat;
}

}  // namespace heaplab
