// The Buffer scenarios: what Node's off-heap Buffers cost (docs/buffers.md).
//   buffer-server  per-request small pooled Buffers; one request in `keep_every` keeps a 16-byte
//                  token in a bounded global ring, and each kept token pins its whole slab
//   big-file       a file read whole into one Buffer (fs.readFile) or streamed in 64 KiB chunks
//                  (fs.createReadStream), with the same processing on the heap either way:
//                  only the peak of external memory differs
//   buffer-concat  chunks collected in an array per message, then copied into one Buffer by
//                  Buffer.concat: pooled when the total is under half the pool size
//   static-buffer  a response body converted to a Buffer once at start-up and reused, or
//                  converted per request with Buffer.from
#include "scenarios/registry.h"

#include <algorithm>

namespace heaplab {

void GenerateBufferServer(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t requests = o.params.at("requests");
  const std::uint64_t keep = o.params.at("keep");
  const std::uint64_t keep_every = o.params.at("keep_every");
  TraceTable kept(b, keep);
  std::uint64_t tokens = 0;
  for (std::uint64_t i = 0; i < requests; ++i) {
    b.Open();
    const Id request = b.Allocate(b.Uniform(64, 256), 2);  // the parsed request object
    const Id header = b.Buffer(b.Uniform(16, 512), BufferApi::From);
    b.Write(request, 0, header);
    const std::uint64_t parts = b.Uniform(2, 6);
    for (std::uint64_t k = 0; k < parts; ++k)
      b.Buffer(b.Uniform(16, 1024), BufferApi::Unsafe);  // body chunks, ids, scratch
    const Id response = b.Buffer(b.Uniform(64, 2048), BufferApi::Concat);
    b.Write(request, 1, response);
    if (keep > 0 && i % keep_every == 0) {
      // A session token taken from the request and kept: 16 bytes of the current slab.
      kept.Set(tokens % keep, b.Buffer(16, BufferApi::From));
      ++tokens;
    }
    b.Compute(5);
    b.Close();
  }
  // The server goes idle and a full GC runs: every dropped Buffer is found dead, so the slabs
  // still pinned at the end are those the kept tokens hold.
  b.Gc(true);
}

void GenerateBigFile(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const bool stream = o.params.at("mode") == 1;
  const std::uint64_t bytes = o.params.at("mib") * MB;
  constexpr std::uint64_t kChunk = 64 * KB;  // fs.createReadStream's highWaterMark
  // The same work on the heap for every 64 KiB of the file in both modes: the chunk decoded
  // to a string and split into lines.
  auto process = [&b](std::uint64_t chunk_bytes) {
    b.Allocate(chunk_bytes + 24, 0);
    const std::uint64_t lines = b.Uniform(8, 24);
    for (std::uint64_t line = 0; line < lines; ++line)
      b.Allocate(b.Uniform(40, 200), 0);
    b.Compute(20);
  };
  if (!stream) {
    // fs.readFile: one Buffer of the file's size (Buffer.allocUnsafeSlow), kept until done.
    b.Open();
    b.Buffer(bytes, BufferApi::Slow);
    for (std::uint64_t at = 0; at < bytes; at += kChunk) {
      b.Open();
      process(std::min(kChunk, bytes - at));
      b.Close();
    }
    b.Close();
    return;
  }
  // fs.createReadStream: a 'data' event per chunk (Buffer.allocUnsafeSlow of the bytes read),
  // each dropped once processed.
  for (std::uint64_t at = 0; at < bytes; at += kChunk) {
    const std::uint64_t n = std::min(kChunk, bytes - at);
    b.Open();
    b.Buffer(n, BufferApi::Slow);
    process(n);
    b.Close();
  }
}

void GenerateBufferConcat(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t messages = o.params.at("messages");
  const std::uint64_t chunks = o.params.at("chunks");
  const std::uint64_t chunk = o.params.at("chunk");
  for (std::uint64_t m = 0; m < messages; ++m) {
    b.Open();
    const Id list = b.Allocate(8 * (chunks + 2), chunks);  // the array collecting the chunks
    std::uint64_t total = 0;
    for (std::uint64_t k = 0; k < chunks; ++k) {
      const std::uint64_t size = b.Uniform(std::max<std::uint64_t>(1, chunk / 2), chunk);
      b.Write(list, k, b.Buffer(size, BufferApi::Unsafe));
      total += size;
    }
    b.Buffer(total, BufferApi::Concat);  // Buffer.concat(list): a copy of every chunk
    b.Allocate(b.Uniform(64, 256), 0);   // the message handed on
    b.Compute(10);
    b.Close();
  }
}

void GenerateStaticBuffer(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const bool dynamic = o.params.at("mode") == 1;
  const std::uint64_t requests = o.params.at("requests");
  const std::uint64_t size = o.params.at("size");
  // The content as a string, a global in both modes.
  const Id text = b.Allocate(size + 24, 0);
  b.Root(text);
  Id body = 0;
  if (!dynamic) {
    body = b.Buffer(size, BufferApi::From);  // const body = Buffer.from(text), at start-up
    b.Root(body);
  }
  for (std::uint64_t i = 0; i < requests; ++i) {
    b.Open();
    b.Allocate(b.Uniform(64, 256), 2);  // the request
    const Id response = b.Allocate(b.Uniform(64, 256), 2);
    // res.end(body), or res.end(text): Buffer.from(text) on every request.
    b.Write(response, 0, dynamic ? b.Buffer(size, BufferApi::From) : body);
    b.Write(response, 1, text);
    b.Compute(5);
    b.Close();
  }
}

}  // namespace heaplab
