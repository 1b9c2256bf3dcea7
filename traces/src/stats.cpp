#include <heaplab/traces/stats.h>

#include "allocation_check.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>

#include <heaplab/buffer/buffers.h>
#include <heaplab/heap/object.h>

namespace heaplab {

namespace {
// A trace from the roots runs after this much allocation, or after as much as was live at the
// last one, whichever is more: the work stays linear in the trace's length.
constexpr std::uint64_t kMinCollectInterval = 4 * 1024 * 1024;
}  // namespace

TraceStats::TraceStats(std::string file) : file_(std::move(file)) {
  scopes_.emplace_back();  // the outermost scope, as the replayer's
  next_collect_ = kMinCollectInterval;
}

std::size_t TraceStats::BucketOf(std::uint64_t value) {
  if (value < 16) return 0;
  const auto log2 = static_cast<std::size_t>(std::bit_width(value) - 1);  // >= 4
  return std::min(log2 - 3, kBuckets - 1);
}

std::uint64_t TraceStats::BucketLow(std::size_t bucket) {
  return bucket == 0 ? 0 : std::uint64_t{1} << (bucket + 3);
}

void TraceStats::Histogram::Add(std::uint64_t value, std::uint64_t size) {
  const std::size_t b = BucketOf(value);
  ++count[b];
  bytes[b] += size;
}

void TraceStats::Fail(const TraceEvent& e, int field, const std::string& message) const {
  throw TraceError(file_, e.line, e.column[static_cast<std::size_t>(field)], message);
}

TraceStats::Object& TraceStats::Live(const TraceEvent& e, int field, Id id) {
  const auto it = live_.find(id);
  if (it != live_.end()) return it->second;
  if (unreachable_.count(id) != 0) {
    Fail(e, field,
         "id " + std::to_string(id) +
             " names an object that was already unreachable (no root reaches it)");
  }
  Fail(e, field, "unknown id " + std::to_string(id) + ": no object was allocated with it");
}

void TraceStats::Allocate(const TraceEvent& e, std::uint64_t size, std::uint64_t slots) {
  if (e.id == kNull) Fail(e, 1, "id " + std::to_string(e.id) + " is too large");
  Object o;
  o.size = size;
  o.birth = clock_;
  o.stamp = clock_;
  o.slots.assign(slots, kNull);
  o.record = records_.size();
  if (unreachable_.count(e.id) != 0 || !live_.emplace(e.id, std::move(o)).second)
    Fail(e, 1, "id " + std::to_string(e.id) + " is already used: ids are unique in a trace");
  records_.push_back({clock_, size, kNever});
  clock_ += size;
  ++objects_;
  scopes_.back().push_back(e.id);
  if (clock_ >= next_collect_) Collect();
}

void TraceStats::Put(const TraceEvent& e) {
  ++events_;
  ++by_op_[static_cast<unsigned char>(e.op)];
  switch (e.op) {
    case Op::Allocate:
    case Op::OldAllocate: {
      if (const auto problem = CheckAllocation(e)) Fail(e, problem->field, problem->message);
      const std::size_t size = RoundUp(e.size, kWordSize);
      sizes_.Add(size, size);
      Allocate(e, size, e.slots);
      break;
    }
    case Op::Buffer:
      if (e.size > kMaxBufferSize) {
        Fail(e, 2,
             "size " + std::to_string(e.size) + " is too large: a Buffer holds at most " +
                 std::to_string(kMaxBufferSize) + " bytes");
      }
      buffer_sizes_.Add(e.size, e.size);
      sizes_.Add(kBufferWrapperSize, kBufferWrapperSize);
      Allocate(e, kBufferWrapperSize, 0);
      break;
    case Op::Write: {
      Object& host = Live(e, 1, e.id);
      if (e.size >= host.slots.size()) {
        Fail(e, 2,
             "slot " + std::to_string(e.size) + " out of range: object " + std::to_string(e.id) +
                 " has " + std::to_string(host.slots.size()) + " slots");
      }
      if (!e.null_target) Live(e, 3, e.target);
      Id& slot = host.slots[e.size];
      if (slot != kNull) {
        // The old target loses a reference: Merlin's timestamp.
        if (const auto old = live_.find(slot); old != live_.end()) old->second.stamp = clock_;
      }
      slot = e.null_target ? kNull : e.target;
      break;
    }
    case Op::Load:
      Live(e, 1, e.id);
      scopes_.back().push_back(e.id);
      break;
    case Op::Open:
      scopes_.emplace_back();
      break;
    case Op::Close:
      if (scopes_.size() <= 1) Fail(e, 0, "'}' without a matching '{'");
      for (const Id id : scopes_.back()) {
        if (const auto it = live_.find(id); it != live_.end()) it->second.stamp = clock_;
      }
      scopes_.pop_back();
      break;
    case Op::Root: {
      Object& o = Live(e, 1, e.id);
      if (o.root) Fail(e, 1, "id " + std::to_string(e.id) + " is already a global root");
      o.root = true;
      break;
    }
    case Op::Drop: {
      const auto it = live_.find(e.id);
      if (it == live_.end() || !it->second.root) {
        Fail(e, 1,
             "id " + std::to_string(e.id) + " is not a global root ('r " + std::to_string(e.id) +
                 "' must come first)");
      }
      it->second.root = false;
      it->second.stamp = clock_;
      break;
    }
    case Op::Compute:
    case Op::Idle:
    case Op::Gc:
    case Op::Tier:
      break;
    case Op::Malloc:
    case Op::Free:
    case Op::Realloc:
      Fail(e, 0, kManualModeUnsupported);
  }
}

void TraceStats::Collect() {
  // Mark from the roots.
  std::vector<Object*> stack;
  auto mark = [&](Object& o) {
    if (!o.marked) {
      o.marked = true;
      stack.push_back(&o);
    }
  };
  for (auto& [id, o] : live_) {
    if (o.root) mark(o);
  }
  for (const auto& scope : scopes_) {
    for (const Id id : scope) {
      if (const auto it = live_.find(id); it != live_.end()) mark(it->second);
    }
  }
  while (!stack.empty()) {
    Object* o = stack.back();
    stack.pop_back();
    for (const Id s : o->slots) {
      if (s == kNull) continue;
      if (const auto it = live_.find(s); it != live_.end()) mark(it->second);
    }
  }
  // Merlin: the unreachable objects (still unmarked) in order of their timestamps, latest
  // first; each hands its timestamp to the unreachable objects it reaches that have an earlier
  // one. Each object is pushed again only when its timestamp rises, and the order makes the
  // first rise the last.
  std::vector<std::pair<Id, Object*>> dead;
  std::uint64_t live_bytes = 0;
  for (auto& [id, o] : live_) {
    if (o.marked) {
      live_bytes += o.size;
    } else {
      dead.emplace_back(id, &o);
    }
  }
  std::sort(dead.begin(), dead.end(),
            [](const auto& a, const auto& b) { return a.second->stamp > b.second->stamp; });
  std::vector<Object*> work;
  for (const auto& [id, from] : dead) {
    work.assign(1, from);
    while (!work.empty()) {
      Object* o = work.back();
      work.pop_back();
      for (const Id s : o->slots) {
        if (s == kNull) continue;
        const auto it = live_.find(s);
        if (it == live_.end() || it->second.marked) continue;  // gone, or reachable
        if (it->second.stamp < from->stamp) {
          it->second.stamp = from->stamp;
          work.push_back(&it->second);
        }
      }
    }
  }
  for (auto& [id, o] : live_)
    o.marked = false;
  for (const auto& [id, o] : dead) {
    records_[o->record].death = o->stamp;
    const std::uint64_t end_of_birth = o->birth + o->size;
    lifetimes_.Add(o->stamp > end_of_birth ? o->stamp - end_of_birth : 0, o->size);
    ++dead_objects_;
    unreachable_.insert(id);
    live_.erase(id);
  }
  next_collect_ = clock_ + std::max(kMinCollectInterval, live_bytes);
}

void TraceStats::Finish() {
  if (finished_) return;
  finished_ = true;
  Collect();
  for (const auto& [id, o] : live_) {
    ++alive_at_end_;
    alive_at_end_bytes_ += o.size;
  }
  // The peak of live bytes: births and deaths in clock order, a death before a birth at the
  // same clock (it happened after the allocation that brought the clock there).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> deaths;  // clock, bytes
  for (const Record& r : records_) {
    if (r.death != kNever) deaths.emplace_back(r.death, r.size);
  }
  std::sort(deaths.begin(), deaths.end());
  std::uint64_t live = 0;
  std::size_t d = 0;
  for (const Record& r : records_) {
    while (d < deaths.size() && deaths[d].first <= r.birth)
      live -= deaths[d++].second;
    live += r.size;
    if (live > peak_live_) {
      peak_live_ = live;
      peak_live_at_ = r.birth + r.size;
    }
  }
}

std::vector<TraceStats::SurvivalPoint> TraceStats::SurvivalCurve() const {
  std::vector<SurvivalPoint> curve;
  for (std::uint64_t k = 64 * 1024; k <= clock_; k *= 2) {
    SurvivalPoint p;
    p.after = k;
    std::uint64_t survived = 0;
    for (const Record& r : records_) {
      const std::uint64_t born = r.birth + r.size;
      if (born + k > clock_) continue;  // the trace ends too soon to watch it for k bytes
      p.watched += r.size;
      if (r.death == kNever || r.death - std::min(r.death, born) > k) survived += r.size;
    }
    p.fraction =
        p.watched > 0 ? static_cast<double>(survived) / static_cast<double>(p.watched) : 0.0;
    curve.push_back(p);
  }
  return curve;
}

namespace {

std::string Bytes(std::uint64_t b) {
  if (b >= (std::uint64_t{1} << 30) && b % (std::uint64_t{1} << 30) == 0)
    return fmt::format("{} GiB", b >> 30);
  if (b >= (std::uint64_t{1} << 20) && b % (std::uint64_t{1} << 20) == 0)
    return fmt::format("{} MiB", b >> 20);
  if (b >= 1024 && b % 1024 == 0) return fmt::format("{} KiB", b >> 10);
  return fmt::format("{} B", b);
}

std::string FormatHistogram(const TraceStats::Histogram& h, const char* unit) {
  std::string s;
  for (std::size_t b = 0; b < TraceStats::kBuckets; ++b) {
    if (h.count[b] == 0) continue;
    const std::string range = b + 1 < TraceStats::kBuckets
                                  ? fmt::format("[{}, {})", Bytes(TraceStats::BucketLow(b)),
                                                Bytes(TraceStats::BucketLow(b + 1)))
                                  : fmt::format(">= {}", Bytes(TraceStats::BucketLow(b)));
    s += fmt::format("  {:<22} {:>12} {} {:>16} bytes\n", range, h.count[b], unit, h.bytes[b]);
  }
  return s.empty() ? "  (none)\n" : s;
}

// The verdict on the survival after 1 MiB (a Node 20 semispace): what a Scavenge copies.
const char* Verdict(double fraction) {
  return fraction < 0.2   ? "most objects die young; it holds"
         : fraction < 0.5 ? "many objects survive; it holds weakly"
                          : "most objects survive; it fails for this trace";
}

const char* VerdictWord(double fraction) {
  return fraction < 0.2 ? "holds" : fraction < 0.5 ? "holds weakly" : "fails";
}

std::uint64_t Sum(const std::array<std::uint64_t, TraceStats::kBuckets>& a) {
  std::uint64_t t = 0;
  for (const std::uint64_t b : a)
    t += b;
  return t;
}

}  // namespace

std::string TraceStats::Format() const {
  std::string s = fmt::format("{}: {} events\n", file_, events_);
  s += "events by kind:";
  for (const char op : {'a', 'o', 'b', 'w', 'l', '{', '}', 'r', 'd', 't', 'i', 'g', 'j'}) {
    const std::uint64_t n = by_op_[static_cast<unsigned char>(op)];
    if (n > 0) s += fmt::format(" {} {}", op, n);
  }
  s += "\n";
  s += fmt::format("allocated: {} bytes in {} objects ({} Buffers, {} bytes off the heap)\n",
                   clock_, objects_, count(Op::Buffer), Sum(buffer_sizes_.bytes));
  s += "object sizes (rounded up to 8 bytes; a Buffer's on-heap wrapper):\n";
  s += FormatHistogram(sizes_, "objects");
  if (count(Op::Buffer) > 0) {
    s += "Buffer lengths (off the heap):\n";
    s += FormatHistogram(buffer_sizes_, "Buffers");
  }
  s += fmt::format(
      "lifetimes (bytes allocated between birth and death): {} objects died, {} ({} bytes) "
      "alive at the end\n",
      dead_objects_, alive_at_end_, alive_at_end_bytes_);
  s += FormatHistogram(lifetimes_, "objects");
  s += fmt::format("peak live bytes: {} (at {} bytes allocated)\n", peak_live_, peak_live_at_);
  s += "survival: fraction of bytes still alive after k bytes of further allocation\n";
  const std::vector<SurvivalPoint> curve = SurvivalCurve();
  for (const SurvivalPoint& p : curve) {
    s += fmt::format("  after {:>8}: {:.4f} of {} bytes watched\n", Bytes(p.after), p.fraction,
                     p.watched);
  }
  if (curve.empty()) s += "  (the trace allocates less than 64 KiB)\n";
  // A semispace in Node 20 starts at 1 MiB: what survives that much allocation is what a
  // Scavenge copies.
  for (const SurvivalPoint& p : curve) {
    if (p.after != 1024 * 1024) continue;
    s += fmt::format(
        "generational hypothesis: {:.1f}% of the bytes outlive 1 MiB of further allocation: "
        "{}\n",
        p.fraction * 100.0, Verdict(p.fraction));
  }
  return s;
}

std::string TraceStats::ToJson() const {
  using json = nlohmann::ordered_json;
  json by_kind = json::object();
  for (const char op : {'a', 'o', 'b', 'w', 'l', '{', '}', 'r', 'd', 't', 'i', 'g', 'j'})
    by_kind[std::string(1, op)] = by_op_[static_cast<unsigned char>(op)];
  // The buckets that hold something; `high` is null for the last, open-ended one.
  auto histogram = [](const Histogram& h, const char* unit) {
    json out = json::array();
    for (std::size_t b = 0; b < kBuckets; ++b) {
      if (h.count[b] == 0) continue;
      out.push_back({{"low", BucketLow(b)},
                     {"high", b + 1 < kBuckets ? json(BucketLow(b + 1)) : json(nullptr)},
                     {unit, h.count[b]},
                     {"bytes", h.bytes[b]}});
    }
    return out;
  };
  json survival = json::array();
  json hypothesis = nullptr;
  for (const SurvivalPoint& p : SurvivalCurve()) {
    survival.push_back({{"after", p.after}, {"fraction", p.fraction}, {"watched", p.watched}});
    if (p.after == 1024 * 1024)
      hypothesis = {{"fraction", p.fraction}, {"verdict", VerdictWord(p.fraction)}};
  }
  const json j = {{"schema", "heaplab-trace-stats"},
                  {"version", 1},
                  {"file", file_},
                  {"events", events_},
                  {"by_kind", by_kind},
                  {"allocated_bytes", clock_},
                  {"objects", objects_},
                  {"buffers", count(Op::Buffer)},
                  {"buffer_bytes", Sum(buffer_sizes_.bytes)},
                  {"object_sizes", histogram(sizes_, "objects")},
                  {"buffer_lengths", histogram(buffer_sizes_, "buffers")},
                  {"dead_objects", dead_objects_},
                  {"alive_at_end", alive_at_end_},
                  {"alive_at_end_bytes", alive_at_end_bytes_},
                  {"lifetimes", histogram(lifetimes_, "objects")},
                  {"peak_live_bytes", peak_live_},
                  {"peak_live_at", peak_live_at_},
                  {"survival", survival},
                  {"generational_hypothesis", hypothesis}};
  return j.dump();
}

}  // namespace heaplab
