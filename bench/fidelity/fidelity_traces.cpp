// heaplab_fidelity_traces WORKLOAD: writes to standard output a heaplab trace modelled on one of
// the Node 20 fixture scripts (the .js files of tests/data/node20/), for bench/fidelity/compare.sh.
//
// Each JavaScript allocation becomes one `a` event with V8's sizes on x64 without pointer
// compression (a JSObject with N in-object properties: 24 + 8N bytes; a JSArray: 32 bytes and a
// FixedArray of 16 + 8N; a short flat string: 16 + its characters, rounded to 8). Object and
// array literals and `new Array(n)` carry an allocation site (`@SITE`, one per statement);
// strings do not. A literal's memento (16 bytes) counts towards Node's `allocated=` figures, so
// the sizes below were calibrated until the trace allocates what Node's --trace-gc-nvp logs
// say per iteration (the figure is in each workload's comment; measured with
// `node --trace-gc-nvp WORKLOAD.js`, summing allocated= and dividing by the iterations).
// An array and its elements are one allocation here (V8 allocates them together, and pretenures
// them together). Growing backing stores (a Map's hash table, an array's elements) are modelled as
// tables that are reallocated larger (twice the size, or V8's 1.5x + 16 for oom.js's array): a
// Map's in old space (`o`) once the old table is old, an array's always young. Each container
// hangs from a JS object that is a local of the outermost level (the stack; see Table).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

class Out {
 public:
  ~Out() { Flush(); }
  void Line(const std::string& s) {
    buf_ += s;
    buf_ += '\n';
    if (buf_.size() > (1u << 20)) Flush();
  }
  void Flush() {
    std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    buf_.clear();
  }
  std::uint64_t Alloc(std::uint64_t size, std::uint64_t slots, int site = -1) {
    const std::uint64_t id = next_++;
    std::string s =
        "a " + std::to_string(id) + " " + std::to_string(size) + " " + std::to_string(slots);
    if (site >= 0) s += " @" + std::to_string(site);
    Line(s);
    return id;
  }
  std::uint64_t AllocOld(std::uint64_t size, std::uint64_t slots) {
    const std::uint64_t id = next_++;
    Line("o " + std::to_string(id) + " " + std::to_string(size) + " " + std::to_string(slots));
    return id;
  }
  void Write(std::uint64_t host, std::uint64_t slot, std::uint64_t value) {
    Line("w " + std::to_string(host) + " " + std::to_string(slot) + " " + std::to_string(value));
  }
  void Null(std::uint64_t host, std::uint64_t slot) {
    Line("w " + std::to_string(host) + " " + std::to_string(slot) + " -");
  }
  void Root(std::uint64_t id) { Line("r " + std::to_string(id)); }

 private:
  std::string buf_;
  std::uint64_t next_ = 1;
};

std::uint64_t FixedArray(std::uint64_t n) {
  return 16 + 8 * n;
}

// A JS Map's or a growing array's backing store; when full it is reallocated larger (see
// Growth) (in old space, `o`, once the old table is old: after its first growths) and every live
// value is stored into the new one. The table hangs from its JS object (the JSArray or JSMap,
// 32 bytes, whose one slot is the table), and that object is a local of the trace's outermost
// level, never closed: each script keeps its containers in `const`s of the module function
// that no closure captures, so only the stack holds them, and V8's incremental marking does not
// scan the stack (IncrementalMarking::MarkRoots): the finishing pause finds them.
class Table {
 public:
  // How a full table grows: a Map's hash table doubles; a JS array's elements grow to
  // old + old / 2 + 16 (V8's JSObject::NewElementsCapacity).
  enum class Growth { Double, Array };
  Table(Out& out, std::uint64_t capacity, std::uint64_t words_per_slot,
        Growth growth = Growth::Double)
      : out_(out), capacity_(capacity), words_(words_per_slot), growth_(growth) {
    holder_ = out_.Alloc(32, 1);
    id_ = out_.Alloc(Size(), capacity_);
    out_.Write(holder_, 0, id_);
  }
  // Appends a value (slot = the number of values so far).
  void Push(std::uint64_t value) {
    if (values_.size() == capacity_) Grow();
    out_.Write(id_, values_.size(), value);
    values_.push_back(value);
  }
  // Stores into a fixed slot (below the capacity given at construction).
  void Store(std::uint64_t slot, std::uint64_t value) { out_.Write(id_, slot, value); }
  void Clear(std::uint64_t slot) {
    out_.Null(id_, slot);
    if (slot < values_.size()) values_[slot] = 0;
  }

 private:
  std::uint64_t Size() const { return 16 + 8 * words_ * capacity_; }
  void Grow() {
    capacity_ = growth_ == Growth::Double ? capacity_ * 2 : capacity_ + capacity_ / 2 + 16;
    out_.Line("{");
    // A Map's new table is old when its old one is (OrderedHashTable::Rehash); a JS array's
    // new elements are always young (JSObject's GrowCapacity allocates them with the default
    // AllocationType::kYoung), in the new large-object space once large, and the old ones die
    // young too: Node's oom.log shows a Scavenge freeing them (70.1 MB committed -> 68.1).
    const bool young = growth_ == Growth::Array || ++growths_ <= 3;
    id_ = young ? out_.Alloc(Size(), capacity_) : out_.AllocOld(Size(), capacity_);
    for (std::uint64_t k = 0; k < values_.size(); ++k)
      if (values_[k] != 0) out_.Write(id_, k, values_[k]);
    out_.Write(holder_, 0, id_);
    out_.Line("}");
  }
  Out& out_;
  std::uint64_t capacity_;
  std::uint64_t words_;
  Growth growth_;
  std::uint64_t holder_ = 0;
  std::uint64_t id_ = 0;
  int growths_ = 0;
  std::vector<std::uint64_t> values_;
};

// A JS Map as V8 keeps it (OrderedHashMap, a FixedArray): `capacity` entries of 3 words (key,
// value, chain) in insertion order, capacity / 2 bucket words and 3 words of counts; a delete
// leaves a hole, and an add to a full table rehashes into a new one
// (OrderedHashTable::EnsureCapacityForAdding): twice the capacity, or the same capacity when at
// least half of it is deleted entries. Only the value slot holds a reference here (the keys of
// the scripts modelled are small integers). Like Table, the map hangs from its JSMap, a local.
class OrderedMap {
 public:
  explicit OrderedMap(Out& out) : out_(out) {
    holder_ = out_.Alloc(32, 1);
    Allocate(kInitialCapacity);
  }
  // Adds a value; returns its entry, which Delete takes (entries move when the table rehashes:
  // Entry(handle) gives the current one).
  std::uint64_t Add(std::uint64_t value) {
    if (entries_.size() == capacity_) Rehash();
    const std::uint64_t handle = handles_.size();
    handles_.push_back(entries_.size());
    entries_.push_back({value, handle});
    out_.Write(id_, handles_[handle], value);
    ++live_;
    return handle;
  }
  void Delete(std::uint64_t handle) {
    const std::uint64_t entry = handles_[handle];
    entries_[entry].value = 0;
    out_.Null(id_, entry);
    --live_;
  }

 private:
  static constexpr std::uint64_t kInitialCapacity = 4;
  struct Entry {
    std::uint64_t value;  // 0: deleted
    std::uint64_t handle;
  };
  static std::uint64_t Size(std::uint64_t capacity) {
    return 16 + 8 * (3 + capacity / 2 + 3 * capacity);
  }
  void Allocate(std::uint64_t capacity) {
    capacity_ = capacity;
    id_ = ++tables_ <= 4 ? out_.Alloc(Size(capacity_), capacity_)
                         : out_.AllocOld(Size(capacity_), capacity_);
  }
  void Rehash() {
    const std::uint64_t deleted = entries_.size() - live_;
    out_.Line("{");
    Allocate(deleted >= capacity_ / 2 ? capacity_ : capacity_ * 2);
    std::vector<Entry> kept;
    kept.reserve(live_);
    for (const Entry& e : entries_) {
      if (e.value == 0) continue;
      handles_[e.handle] = kept.size();
      out_.Write(id_, kept.size(), e.value);
      kept.push_back(e);
    }
    entries_.swap(kept);
    out_.Write(holder_, 0, id_);
    out_.Line("}");
  }
  Out& out_;
  std::uint64_t holder_ = 0;
  std::uint64_t id_ = 0;
  std::uint64_t capacity_ = 0;
  std::uint64_t live_ = 0;
  int tables_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> handles_;  // handle -> entry
};

// Node's start-up heap, which every script's heap begins with: its first --trace-gc-verbose
// block (leaky_cache_verbose.log, and `node --trace-gc-verbose` of any fixture script) shows
// 2476 KB of old space and 256 KB of large objects that live for the whole run, and Node's
// --trace-gc-nvp logs give the first Scavenge a lower survival ratio than the later ones
// (oom.js: 76.6% against about 89%), because it also finds the bootstrap's young garbage. Both
// matter to V8's limits: the old generation's size counts against the allocation limit and the
// 8 MiB activation threshold, and the first survival ratio decides whether
// Heap::ConfigureInitialOldGenerationSize lowers the initial limit at all (a first ratio of 100%
// ends the lowering at once). With 96 KiB of young garbage the first average survival ratios
// are near Node's: oom 67.0% (Node 76.6%), leaky_cache 57.6% (63.4%), lru_churn 92.4% (88.0%).
void NodeStartup(Out& out) {
  for (int k = 0; k < 99; ++k)
    out.AllocOld(FixedArray(3198), 3198);  // 25,600 bytes each: 2475 KiB
  out.AllocOld(256 * 1024, 0);
  out.Line("{");
  for (int k = 0; k < 1536; ++k)
    out.Alloc(64, 0);
  out.Line("}");
}

// V8's number-string cache (Heap::number_string_cache): NumberToString(i) for a Smi looks in
// and stores into slot pair (i & mask); it starts with 256 entries (old space) and is replaced
// by a full-size one (max_semi_space_size / 512 entries, 512 to 0x4000) on the first collision
// (Factory::NumberToStringCacheSet), that store being skipped. The cached strings live as long
// as their entry: with 16 MiB semispaces the last 16,384 survive each Scavenge. V8 also
// flushes the cache at every full GC (Heap::MarkCompactPrologue), which a trace cannot do: it
// does not know when they come. docs/v8-reference.md, section 6c.
// What a workload knows of the run: the V8 settings that change what Node allocates.
struct Run {
  // Heap::FullSizeNumberStringCacheLength for the run's --max-semi-space-size.
  std::uint64_t full_number_string_cache = 0x4000;
};

class NumberStringCache {
 public:
  NumberStringCache(Out& out, const Run& run)
      : out_(out), full_entries_(run.full_number_string_cache) {
    id_ = out_.AllocOld(FixedArray(2 * entries_), 2 * entries_);
    out_.Root(id_);
    used_.assign(entries_, false);
  }
  void Put(std::uint64_t number, std::uint64_t string) {
    const std::uint64_t e = number & (entries_ - 1);
    if (used_[e] && entries_ != full_entries_) {
      out_.Line("d " + std::to_string(id_));
      entries_ = full_entries_;
      id_ = out_.AllocOld(FixedArray(2 * entries_), 2 * entries_);
      out_.Root(id_);
      used_.assign(entries_, false);
      return;
    }
    used_[e] = true;
    out_.Write(id_, 2 * e + 1, string);
  }

 private:
  Out& out_;
  std::uint64_t full_entries_;
  std::uint64_t entries_ = 256;
  std::uint64_t id_ = 0;
  std::vector<bool> used_;
};

// short_lived.js, ITER = 3,000,000: Node allocates 144 bytes per iteration (431.9 MB in 86
// Scavenges). { id, name, tags: [i, i+1, i+2] } with a memento, the array, 'obj' + n. n is
// i & 1023, whose 1,024 strings the number-string cache keeps after the first iterations, so
// the loop makes none.
void ShortLived(Out& out, const Run&) {
  const std::uint64_t keep = out.Alloc(FixedArray(1000), 1000);
  out.Root(keep);
  for (std::uint64_t i = 0; i < 3000000; ++i) {
    out.Line("{");
    const std::uint64_t o = out.Alloc(48, 3, 1);
    const std::uint64_t tags = out.Alloc(32, 1);
    const std::uint64_t elements = out.Alloc(FixedArray(3), 0);
    out.Write(tags, 0, elements);
    out.Write(o, 2, tags);
    out.Write(keep, i % 1000, o);
    out.Line("}");
  }
}

// leaky_cache.js, N = 1,200,000: Node allocates 459 bytes per iteration (551.1 MB). A Map
// entry keeps 'req:' + i, { key, ts, payload } (memento) and new Array(16) (memento); i's
// string goes into the number-string cache; the JSON.stringify temporary and its intermediates
// die at once; the Map's table (3.5 words per entry) doubles.
// The loop's code is optimized (on-stack replacement) after a few thousand iterations, and
// optimized code makes no mementos: `node --trace-pretenuring-statistics leaky_cache.js` shows
// 4,668 mementos per site by Scavenge 4 and none at Scavenges 5 to 8. When new space reaches
// its maximum (Scavenge 9), V8 deoptimizes the code of the maybe-tenure sites, the loop makes
// mementos again, and the next Scavenge at the maximum tenures the sites. `j SITE N` declares
// this for both literals (docs/trace-format.md); N is the first window measured.
constexpr std::uint64_t kLeakyCacheUnoptimized = 4668;

void LeakyCache(Out& out, const Run& run) {
  out.Line("j 1 " + std::to_string(kLeakyCacheUnoptimized));
  out.Line("j 2 " + std::to_string(kLeakyCacheUnoptimized));
  Table map(out, 16, 4);
  NumberStringCache cache(out, run);
  for (std::uint64_t i = 0; i < 1200000; ++i) {
    out.Line("{");
    cache.Put(i, out.Alloc(24, 0));  // String(i), kept by the cache until replaced
    const std::uint64_t key = out.Alloc(32, 0);
    const std::uint64_t value = out.Alloc(48, 3, 1);
    const std::uint64_t payload = out.Alloc(32 + FixedArray(16), 0, 2);
    out.Write(value, 0, key);
    out.Write(value, 2, payload);
    map.Push(value);
    out.Alloc(48, 0);  // the JSON string
    out.Alloc(40, 0);  // its intermediates
    out.Line("}");
  }
}

// lru_churn.js, OPS = 6,000,000, CAP = 150,000: Node allocates 87 bytes per operation (522.1 MB);
// the same LCG decides hits and inserts. An insert makes { k, blob, arr } (memento), 'v' + i
// and new Array(8).fill(i) (memento); it overwrites the ring slot and evicts the old entry. The
// index is V8's OrderedHashMap (OrderedMap above): with 150,000 live keys and a delete per
// insert it grows to 524,288 entries (14.7 MB) and is rehashed into a new table of that size
// every 374,288 inserts, so Node's heap after a full GC is 46.7 MB; a table of one slot per key
// (5.4 MB) left heaplab's at 36.4 MB. String(i) goes into the number-string cache.
void LruChurn(Out& out, const Run& run) {
  constexpr std::uint64_t kCap = 150000;
  constexpr std::uint64_t kKeys = kCap + (kCap >> 1);
  Table ring(out, kCap, 1);
  OrderedMap index(out);
  NumberStringCache cache(out, run);
  std::vector<std::uint32_t> slot_key(kCap, 0xFFFFFFFFu);
  std::vector<bool> present(kKeys, false);
  std::vector<std::uint64_t> handle_of_key(kKeys, 0);
  std::uint32_t seed = 42;
  std::uint64_t inserts = 0;
  for (std::uint64_t i = 0; i < 6000000; ++i) {
    seed = seed * 1103515245u + 12345u;
    const std::uint32_t k = seed % kKeys;
    if (present[k]) continue;
    const std::uint64_t slot = inserts++ % kCap;
    if (slot_key[slot] != 0xFFFFFFFFu) {
      present[slot_key[slot]] = false;
      index.Delete(handle_of_key[slot_key[slot]]);
    }
    out.Line("{");
    cache.Put(i, out.Alloc(24, 0));  // String(i), kept by the cache until replaced
    const std::uint64_t e = out.Alloc(48, 3, 1);
    const std::uint64_t blob = out.Alloc(32, 0);
    const std::uint64_t arr = out.Alloc(32 + FixedArray(8), 0, 2);
    out.Write(e, 1, blob);
    out.Write(e, 2, arr);
    ring.Store(slot, e);
    handle_of_key[k] = index.Add(e);
    out.Line("}");
    slot_key[slot] = k;
    present[k] = true;
  }
}

// slow_queue.js, TICKS = 300,000: Node allocates 745 bytes per tick (223.6 MB). Three
// { t, p, body, data } (memento) with 'msg-' + t + '-' + p (and its intermediates) and [t, p]
// (memento) are queued per tick, two dequeued; the queue's backing store grows. String(t) is
// made once per tick and cached (the other two find it; p's strings are always cached).
void SlowQueue(Out& out, const Run& run) {
  Table queue(out, 16, 1);
  NumberStringCache cache(out, run);
  std::uint64_t head = 0;
  std::uint64_t length = 0;
  for (std::uint64_t t = 0; t < 300000; ++t) {
    for (int p = 0; p < 3; ++p) {
      out.Line("{");
      if (p == 0) cache.Put(t, out.Alloc(24, 0));  // String(t); p = 1, 2 find it cached
      const std::uint64_t m = out.Alloc(56, 4, 1);
      const std::uint64_t body = out.Alloc(32, 0);  // 'msg-' + t + '-' + p: 16 + up to 12 chars
      out.Alloc(32, 0);                             // intermediate strings of the concatenation
      out.Alloc(32, 0);
      const std::uint64_t data = out.Alloc(32 + FixedArray(2), 0, 2);
      out.Write(m, 2, body);
      out.Write(m, 3, data);
      queue.Push(m);
      ++length;
      out.Line("}");
    }
    for (int c = 0; c < 2 && head < length; ++c)
      queue.Clear(head++);
  }
}

// oom.js with --max-old-space-size=64: { i, s: 'item-' + i, arr: [i, i, i, i] } pushed onto an
// array forever; i's string (24 bytes) goes into the number-string cache (NumberStringCache) and
// lives until its entry is reused. The trace allocates 184 bytes per iteration besides the
// array's growth; Node, 183 to 187 (node --trace-gc-nvp on a copy of the script that logs i every
// 2,000 iterations: allocated= between GCs over the iterations between them, less the array's
// growth). Both literals have an allocation site with mementos (node
// --trace-pretenuring-statistics lists two sites with equal counts), but only until the loop is
// optimized: Node's sites see 3693 mementos by the first Scavenge, 679 more by the first
// Mark-Compact and none after, so no site is ever tenured (optimized code allocates these
// literals without mementos). The trace gives the literals their sites for the first 4372
// iterations only.
void Oom(Out& out, const Run& run) {
  constexpr std::uint64_t kIterationsWithMementos = 3693 + 679;
  Table hold(out, 16, 1, Table::Growth::Array);
  NumberStringCache cache(out, run);
  for (std::uint64_t i = 0; i < 20000000; ++i) {
    const bool sites = i < kIterationsWithMementos;
    out.Line("{");
    cache.Put(i, out.Alloc(24, 0));  // String(i), kept by the cache until replaced
    const std::uint64_t o = out.Alloc(48, 3, sites ? 1 : -1);
    const std::uint64_t s = out.Alloc(32, 0);
    const std::uint64_t arr = out.Alloc(32 + FixedArray(4), 0, sites ? 2 : -1);
    out.Write(o, 1, s);
    out.Write(o, 2, arr);
    hold.Push(o);
    out.Line("}");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The one flag that changes the program's own allocation: the number-string cache's size.
  std::uint64_t semi_mib = 16;
  if (argc == 4 && std::strcmp(argv[2], "--max-semi-space-size") == 0) {
    char* end = nullptr;
    semi_mib = std::strtoull(argv[3], &end, 10);
    if (end == argv[3] || *end != '\0' || semi_mib == 0 || semi_mib > 1024) {
      std::fprintf(stderr, "heaplab_fidelity_traces: --max-semi-space-size wants MiB, 1 to 1024\n");
      return 2;
    }
  } else if (argc != 2) {
    std::fprintf(stderr,
                 "usage: heaplab_fidelity_traces short_lived|leaky_cache|lru_churn|slow_queue|oom "
                 "[--max-semi-space-size MIB]\n");
    return 2;
  }
  // Heap::FullSizeNumberStringCacheLength: max_semi_space_size / 512 entries, at least 512
  // (twice the start-up size) and at most 0x4000.
  Run run;
  run.full_number_string_cache =
      std::clamp<std::uint64_t>(semi_mib * 1024 * 1024 / 512, 512, 0x4000);
  const std::string w = argv[1];
  void (*workload)(Out&, const Run&) = nullptr;
  if (w == "short_lived") {
    workload = ShortLived;
  } else if (w == "leaky_cache") {
    workload = LeakyCache;
  } else if (w == "lru_churn") {
    workload = LruChurn;
  } else if (w == "slow_queue") {
    workload = SlowQueue;
  } else if (w == "oom") {
    workload = Oom;
  } else {
    std::fprintf(stderr, "heaplab_fidelity_traces: unknown workload '%s'\n", argv[1]);
    return 2;
  }
  Out out;
  out.Line("heaplab-trace 1 scenario=fidelity-" + w);
  NodeStartup(out);
  workload(out, run);
  return 0;
}
