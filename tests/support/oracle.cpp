#include "oracle.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <heaplab/traces/writer.h>

namespace heaplab::test {

namespace {

// FNV-1a over 8-byte words, then the tail bytes.
std::uint64_t Checksum(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
  }
  for (; i < n; ++i)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace

Oracle::Oracle(Session& session) : session_(&session) {
  scopes_.emplace_back();  // the replayer's outermost scope
  session_->tracer().AddObserver(this);
}

Oracle::~Oracle() {
  if (session_ != nullptr) session_->tracer().RemoveObserver(this);
}

void Oracle::Fail(const std::string& message) {
  if (failure_.empty()) failure_ = message;
}

void Oracle::Apply(const TraceEvent& e) {
  switch (e.op) {
    case Op::Allocate:
    case Op::OldAllocate: {
      ShadowObject o;
      o.size = RoundUp(e.size, kWordSize);
      o.slots.assign(e.slots, 0);
      if (session_ != nullptr) {
        const Address a = session_->heap().ids().Get(e.id);
        o.address = a;
        o.old = !session_->heap().InYoung(a);
      }
      objects_.emplace(e.id, std::move(o));
      scopes_.back().push_back(e.id);
      break;
    }
    case Op::Buffer: {
      ShadowObject o;
      o.size = kBufferWrapperSize;
      const Address a = session_->heap().ids().Get(e.id);
      o.address = a;
      o.old = !session_->heap().InYoung(a);
      objects_.emplace(e.id, std::move(o));
      scopes_.back().push_back(e.id);
      break;
    }
    case Op::Write:
      objects_.at(e.id).slots[e.size] = e.null_target ? 0 : e.target;
      break;
    case Op::Load:
      scopes_.back().push_back(e.id);
      break;
    case Op::Open:
      scopes_.emplace_back();
      break;
    case Op::Close:
      scopes_.pop_back();
      break;
    case Op::Root:
      globals_.push_back(e.id);
      break;
    case Op::Drop:
      globals_.erase(std::find(globals_.begin(), globals_.end(), e.id));
      break;
    default:
      break;
  }
}

void Oracle::FillPayload(Id id, std::uint64_t seed) {
  if (session_ == nullptr) return;
  HeapObject obj(session_->heap().ids().Get(id));
  std::uint8_t* p = obj.payload();
  const std::size_t n = obj.payload_size();
  std::uint64_t x = seed | 1;
  for (std::size_t i = 0; i < n; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(p + i, &x, std::min<std::size_t>(8, n - i));
  }
  objects_.at(id).checksum = Checksum(p, n);
}

std::unordered_set<Id> Oracle::Reachable() const {
  std::unordered_set<Id> seen;
  std::vector<Id> work;
  auto push = [&](Id id) {
    if (id != 0 && seen.insert(id).second) work.push_back(id);
  };
  for (Id id : globals_)
    push(id);
  for (const auto& scope : scopes_)
    for (Id id : scope)
      push(id);
  while (!work.empty()) {
    const Id id = work.back();
    work.pop_back();
    for (Id t : objects_.at(id).slots)
      push(t);
  }
  return seen;
}

// Objects unreachable when marking starts can never become reachable again: the finishing
// pause must free them. Objects that die while marking runs may float to the next cycle.
void Oracle::OnMarking(const MarkingEvent& e) {
  if (e.kind != MarkingEventKind::Start) return;
  ++stats_.incremental_cycles;
  marking_ = true;
  const std::unordered_set<Id> reachable = Reachable();
  dead_at_marking_start_.clear();
  for (const auto& [id, o] : objects_)
    if (reachable.count(id) == 0 && session_->heap().ids().StateOf(id) == IdTable::State::Live)
      dead_at_marking_start_.insert(id);
}

void Oracle::OnGc(const GcEvent& e) {
  ++stats_.collections;
  (e.collector == Collector::Scavenge ? stats_.scavenges : stats_.full_gcs)++;
  if (failure_.empty()) Check(e);
  if (e.collector == Collector::MarkCompact && marking_) {
    ++stats_.incremental_gcs;
    marking_ = false;
  }
}

void Oracle::Check(const GcEvent& e) {
  Heap& heap = session_->heap();
  const IdTable& ids = heap.ids();
  const std::unordered_set<Id> reachable = Reachable();
  const std::string when = "after GC #" + std::to_string(e.number) + " (" +
                           (e.collector == Collector::Scavenge ? "Scavenge" : "Mark-Compact") + ")";
  for (Id id : reachable) {
    ShadowObject& o = objects_.at(id);
    ++stats_.checks;
    if (ids.StateOf(id) != IdTable::State::Live) {
      Fail(when + ": reachable object " + std::to_string(id) + " was freed");
      return;
    }
    const Address a = ids.Get(id);
    HeapObject obj(a);
    if (obj.size() != o.size || obj.slot_count() != o.slots.size()) {
      Fail(when + ": object " + std::to_string(id) + " changed shape");
      return;
    }
    for (std::size_t i = 0; i < o.slots.size(); ++i) {
      const Address expected = o.slots[i] == 0 ? 0 : ids.Get(o.slots[i]);
      if (*obj.slot(i) != expected) {
        Fail(when + ": slot " + std::to_string(i) + " of object " + std::to_string(id) +
             " does not point at object " + std::to_string(o.slots[i]));
        return;
      }
    }
    if (o.checksum != 0 && Checksum(obj.payload(), obj.payload_size()) != o.checksum) {
      Fail(when + ": payload of object " + std::to_string(id) + " changed");
      return;
    }
    const bool old_now = !heap.InYoung(a);
    if (e.collector == Collector::Scavenge && o.old && a != o.address) {
      Fail(when + ": old object " + std::to_string(id) + " moved during a Scavenge");
      return;
    }
    if (old_now && !o.old) ++stats_.promoted_seen;
    o.address = a;
    o.old = old_now;
  }
  // Buffers: a wrapper the collector still holds keeps its bytes; one it freed has released
  // them, at this very collection.
  const BufferPool& pool = session_->buffers().pool();
  for (BufferHandle h = 0; h < pool.buffer_count(); ++h) {
    const Id id = session_->buffers().IdOf(h);
    const bool wrapper_live = ids.StateOf(id) == IdTable::State::Live;
    if (wrapper_live != pool.record(h).live) {
      Fail(when + ": Buffer " + std::to_string(id) +
           (wrapper_live ? " is live but its bytes were released"
                         : " was freed but its bytes were not released"));
      return;
    }
    if (wrapper_live && pool.record(h).size > 0 &&
        const_cast<BufferPool&>(pool).data(h) == nullptr) {
      Fail(when + ": live Buffer " + std::to_string(id) + " has no memory");
      return;
    }
  }
  for (auto it = objects_.begin(); it != objects_.end();) {
    const IdTable::State state = ids.StateOf(it->first);
    const bool live = state == IdTable::State::Live;
    if (e.collector == Collector::MarkCompact && live && reachable.count(it->first) == 0 &&
        (!marking_ || dead_at_marking_start_.count(it->first) != 0)) {
      Fail(when + ": unreachable object " + std::to_string(it->first) + " survived a full GC" +
           (marking_ ? " (it was unreachable when incremental marking started)" : ""));
      return;
    }
    if (!live) {
      it = objects_.erase(it);
    } else {
      if (reachable.count(it->first) == 0) {
        it->second.address = ids.Get(it->first);
        it->second.old = !heap.InYoung(it->second.address);
      }
      ++it;
    }
  }
}

RandomMutator::RandomMutator(Session* session, Oracle& oracle, std::uint64_t seed,
                             RandomMutatorOptions options)
    : session_(session), oracle_(oracle), rng_(seed), options_(options) {}

std::string RandomMutator::Generate(std::uint64_t seed, RandomMutatorOptions options) {
  Oracle shadow;
  RandomMutator m(nullptr, shadow, seed, options);
  m.Run();
  return m.TraceText();
}

void RandomMutator::Emit(TraceEvent e) {
  e.line = static_cast<std::uint32_t>(events_.size() + 2);
  events_.push_back(e);
  if (session_ != nullptr) session_->replayer().Put(e);
  oracle_.Apply(e);
}

Id RandomMutator::PickReachable() {
  // A random root, then a short random walk along non-null slots: whatever the walk reaches
  // is reachable right now.
  std::size_t roots = oracle_.globals().size();
  for (const auto& s : oracle_.scopes())
    roots += s.size();
  if (roots == 0) return 0;
  std::size_t k = rng_() % roots;
  Id id = 0;
  if (k < oracle_.globals().size()) {
    id = oracle_.globals()[k];
  } else {
    k -= oracle_.globals().size();
    for (const auto& s : oracle_.scopes()) {
      if (k < s.size()) {
        id = s[k];
        break;
      }
      k -= s.size();
    }
  }
  const int steps = static_cast<int>(rng_() % 4);
  for (int i = 0; i < steps; ++i) {
    const ShadowObject& o = oracle_.objects().at(id);
    if (o.slots.empty()) break;
    const Id next = o.slots[rng_() % o.slots.size()];
    if (next == 0) break;
    id = next;
  }
  return id;
}

void RandomMutator::Step() {
  TraceEvent e;
  if (options_.incremental) {
    // Marking started and advanced in small steps at random points, so that stores, loads,
    // scope exits and Scavenges land while it is under way; `i` events run V8's tasks. The
    // starts and steps are not trace events: a saved trace replays without them.
    GcController& controller = session_->controller();
    IncrementalMarking& marking = controller.incremental_marking();
    const std::uint64_t k = rng_() % 1000;
    if (!marking.IsMarking() && k < 8) {
      controller.StartIncrementalMarking(Reason::Testing);
    } else if (marking.IsMarking() && k < 60) {
      session_->tracer().Publish(marking.Step(8 + rng_() % 2048, false));
    } else if (k >= 995) {
      e.op = Op::Idle;
      e.size = rng_() % 20000;
      Emit(e);
      return;
    }
  }
  const std::uint64_t r = rng_() % 1000;
  if (r < 380) {  // allocate
    e.op = Op::Allocate;
    e.id = next_id_++;
    const double u = static_cast<double>(rng_() % 1000000) / 1e6;
    if (static_cast<double>(rng_() % 1000000) / 1e6 < options_.buffer_chance) {
      // A Buffer: any of the five APIs, mostly pool-sized, some at the threshold, a few
      // large enough to press external memory.
      static constexpr BufferApi kApis[] = {BufferApi::Unsafe, BufferApi::Alloc, BufferApi::Slow,
                                            BufferApi::From, BufferApi::Concat};
      e.op = Op::Buffer;
      e.api = kApis[rng_() % 5];
      const std::uint64_t k = rng_() % 100;
      e.size = k < 70   ? rng_() % 600
               : k < 90 ? 4090 + rng_() % 12
               : k < 98 ? 8 * KB + rng_() % (64 * KB)
                        : 1 * MB + rng_() % MB;
      Emit(e);
      return;
    }
    if (u < options_.large_chance) {
      e.slots = rng_() % 4;
      e.size = kMaxRegularObjectSize + 8 + rng_() % (64 * KB);
    } else if (u < options_.large_chance + options_.medium_chance) {
      e.slots = rng_() % 2;
      e.size = 4 * KB + rng_() % (60 * KB);
    } else {
      e.slots = rng_() % 6;
      const std::uint64_t min = MinObjectSize(e.slots);
      e.size = min + rng_() % (options_.max_size - min + 1);
    }
    const double v = static_cast<double>(rng_() % 1000000) / 1e6;
    if (v < options_.old_chance) {
      e.op = Op::OldAllocate;
    } else if (v < options_.old_chance + options_.site_chance) {
      // A few sites, so that some collect the hundred mementos a decision needs.
      e.has_site = true;
      e.site = rng_() % 4;
      if (rng_() % 100 == 0) {
        // Now and then the site's code is declared optimized after a few allocations (`j`):
        // its objects lose their mementos but keep its decision.
        TraceEvent tier;
        tier.op = Op::Tier;
        tier.has_site = true;
        tier.site = e.site;
        tier.size = rng_() % 300;
        Emit(tier);
      }
    }
    Emit(e);
    oracle_.FillPayload(e.id, rng_());
  } else if (r < 700) {  // write
    const Id host = PickReachable();
    if (host == 0 || oracle_.objects().at(host).slots.empty()) return;
    e.op = Op::Write;
    e.id = host;
    e.size = rng_() % oracle_.objects().at(host).slots.size();
    if (rng_() % 8 == 0) {
      e.null_target = true;
    } else {
      e.target = PickReachable();
      if (e.target == 0) e.null_target = true;
    }
    Emit(e);
  } else if (r < 760) {  // load
    e.op = Op::Load;
    e.id = PickReachable();
    if (e.id != 0) Emit(e);
  } else if (r < 840) {  // open
    if (oracle_.scopes().size() < 8) {
      e.op = Op::Open;
      Emit(e);
    }
  } else if (r < 930) {  // close
    if (oracle_.scopes().size() > 1) {
      e.op = Op::Close;
      Emit(e);
    }
  } else if (r < 960) {  // root
    const Id id = PickReachable();
    const auto& g = oracle_.globals();
    if (id != 0 && std::find(g.begin(), g.end(), id) == g.end()) {
      e.op = Op::Root;
      e.id = id;
      Emit(e);
    }
  } else if (r < 990) {  // drop
    const auto& g = oracle_.globals();
    if (!g.empty()) {
      e.op = Op::Drop;
      e.id = g[rng_() % g.size()];
      Emit(e);
    }
  } else {
    if (static_cast<double>(rng_() % 1000000) / 1e6 < options_.explicit_gc_chance * 100) {
      e.op = Op::Gc;
      e.major = options_.major_gcs && rng_() % 3 == 0;
      Emit(e);
    }
  }
}

void RandomMutator::Run() {
  while (events_.size() < options_.events && !oracle_.failed())
    Step();
}

std::string RandomMutator::TraceText() const {
  std::ostringstream out;
  TraceWriter w(out, {{"scenario", "oracle-random"}});
  for (const TraceEvent& e : events_)
    w.Put(e);
  return out.str();
}

std::string SaveTrace(const std::string& text, const std::string& name) {
  const std::filesystem::path p = std::filesystem::temp_directory_path() / (name + ".hlt");
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace heaplab::test
