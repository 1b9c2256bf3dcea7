#include <heaplab/traces/v8_log_summary.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace heaplab {

namespace {
constexpr double kMB = 1024.0 * 1024.0;
constexpr double kMsPerMinute = 60000.0;

void Count(std::vector<std::pair<std::string, std::uint64_t>>& counts, std::string_view key) {
  for (auto& [name, n] : counts) {
    if (name == key) {
      ++n;
      return;
    }
  }
  counts.emplace_back(std::string(key), 1);
}

double Mb(std::size_t bytes) {
  return static_cast<double>(bytes) / kMB;
}
}  // namespace

std::string V8LogSummary::KeyName(std::size_t key) {
  std::string name = V8CollectorName(static_cast<V8Collector>(key / 2));
  if (key % 2 == 1) name += " (reduce)";
  return name;
}

V8LogSummary::Isolate& V8LogSummary::Find(IsolateId id) {
  if (last_ != nullptr && last_->id == id) return *last_;
  for (const auto& iso : isolates_) {
    if (iso->id == id) return *(last_ = iso.get());
  }
  isolates_.push_back(std::make_unique<Isolate>(id));
  return *(last_ = isolates_.back().get());
}

void V8LogSummary::OnGcRecord(const V8GcRecord& r) {
  Isolate& iso = Find(r.isolate);
  const GcEvent& e = r.event;
  iso.run.OnGc(e);
  ++iso.events;
  if (r.interleaved) ++iso.interleaved;
  if (r.nvp) ++iso.nvp;
  if (r.from_dump) ++iso.from_dump;

  const std::size_t key = static_cast<std::size_t>(r.collector) * 2 + (e.reduce_memory ? 1 : 0);
  ++iso.by_key[key];
  iso.pause_total_ms[key] += e.pause_ms;
  if (!iso.pauses[key]) iso.pauses[key] = std::make_unique<PauseHistogram>();
  iso.pauses[key]->Add(e.pause_ms);

  if (r.reason_known) {
    ++iso.by_reason[static_cast<std::size_t>(e.reason)];
  } else if (r.reason_text.empty() || r.from_dump) {
    ++iso.no_reason;  // name=value lines print none; a report entry may be cut inside it
  } else {
    Count(iso.other_reasons, r.reason_text);
  }
  if (!e.collector_reason.empty()) Count(iso.by_collector_reason, e.collector_reason);

  if (iso.first_ms < 0) iso.first_ms = e.start_ms;
  iso.last_ms = std::max(iso.last_ms, e.end_ms);
  if (e.end_memory_size > 0) iso.last_committed = e.end_memory_size;
  if (e.allocated > 0) {
    iso.allocated += e.allocated;
  } else if (e.start_object_size > iso.last_object_size) {
    iso.allocated += e.start_object_size - iso.last_object_size;
  }
  iso.last_object_size = e.end_object_size;
  if (r.old_generation_limit > 0) iso.old_generation_limit = r.old_generation_limit;

  // The timeline: the bucket of the GC's end; buckets merge in pairs when it is past the last.
  const double end_ms = std::max(0.0, e.end_ms);
  while (end_ms / iso.bucket_ms >= static_cast<double>(kTimelineBuckets)) {
    std::vector<Bucket> merged((iso.timeline.size() + 1) / 2);
    for (std::size_t i = 0; i < iso.timeline.size(); ++i) {
      Bucket& m = merged[i / 2];
      const Bucket& b = iso.timeline[i];
      m.gcs += b.gcs;
      m.gc_ms += b.gc_ms;
      if (b.gcs > 0) {
        m.heap_before = b.heap_before;
        m.heap_after = b.heap_after;
        m.committed = b.committed;
      }
    }
    iso.timeline = std::move(merged);
    iso.bucket_ms *= 2;
  }
  const auto index = static_cast<std::size_t>(end_ms / iso.bucket_ms);
  if (iso.timeline.size() <= index) iso.timeline.resize(index + 1);
  Bucket& b = iso.timeline[index];
  ++b.gcs;
  b.gc_ms += e.pause_ms;
  b.heap_before = e.start_object_size;
  b.heap_after = e.end_object_size;
  b.committed = e.end_memory_size;

  // The old generation after full GCs: a run of growth, and its fit.
  if (IsFullGc(r.collector)) {
    const double after = Mb(e.end_object_size);
    const double t = e.end_ms / kMsPerMinute;
    if (iso.growing_run == 0 || after <= iso.last_full_after_mb) {
      iso.growing_run = 1;
      iso.sum_t = iso.sum_y = iso.sum_tt = iso.sum_ty = 0;
    } else {
      ++iso.growing_run;
    }
    iso.sum_t += t;
    iso.sum_y += after;
    iso.sum_tt += t * t;
    iso.sum_ty += t * after;
    iso.last_full_after_mb = after;
  }
}

void V8LogSummary::OnMarking(IsolateId id, const MarkingEvent& e) {
  Find(id).run.OnMarking(e);
}

void V8LogSummary::OnOutOfMemory(IsolateId id, std::string_view message, double time_ms) {
  Isolate& iso = Find(id);
  iso.out_of_memory = true;
  iso.oom_message.assign(message);
  iso.oom_time_ms = time_ms;
}

std::vector<std::pair<std::string, std::uint64_t>> V8LogSummary::Isolate::ByReason() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < by_reason.size(); ++i) {
    if (by_reason[i] > 0) out.emplace_back(ReasonString(static_cast<Reason>(i)), by_reason[i]);
  }
  for (const auto& p : other_reasons)
    out.push_back(p);
  if (no_reason > 0) out.emplace_back("(not printed)", no_reason);
  return out;
}

V8LogSummary::Verdict V8LogSummary::Isolate::MakeVerdict(const Options& options) const {
  Verdict v;
  v.full_gcs = growing_run;
  v.out_of_memory = out_of_memory;
  v.limit_known = options.max_old_space_mb > 0;
  v.limit_mb = options.max_old_space_mb;
  if (growing_run < kVerdictFullGcs) return v;
  const double n = growing_run;
  const double denominator = n * sum_tt - sum_t * sum_t;
  if (!(denominator > 0)) return v;  // all at one time: no rate
  v.mb_per_minute = (n * sum_ty - sum_t * sum_y) / denominator;
  if (!(v.mb_per_minute > 0)) return v;
  v.growing = true;
  std::string limit;
  if (out_of_memory) {
    limit = fmt::format("limit reached: out of memory at {:.0f} ms", oom_time_ms);
  } else if (v.limit_known) {
    v.minutes_to_limit = std::max(0.0, (v.limit_mb - last_full_after_mb) / v.mb_per_minute);
    limit = v.minutes_to_limit > 0
                ? fmt::format("limit reached in about {:.1f} minutes", v.minutes_to_limit)
                : std::string("limit reached");
  } else {
    limit = "limit unknown (give --max-old-space-size)";
  }
  v.text = fmt::format(
      "old generation grows at every full GC: {:.1f} MB per minute, {} ({} full GCs in a row, "
      "now {:.1f} MB after a full GC)",
      v.mb_per_minute, limit, growing_run, last_full_after_mb);
  return v;
}

std::string V8LogSummary::Format(const Isolate& iso) const {
  const double end_ms = iso.last_ms;
  std::string s = iso.run.Format(end_ms, iso.last_committed, iso.allocated);
  if (iso.nvp < iso.events) {
    s += "  (one-line GC logs print no promoted or copied bytes; allocated is the heap's growth "
         "between GCs)\n";
  }
  s += "  by collector:";
  for (std::size_t k = 0; k < kKeys; ++k) {
    if (iso.by_key[k] == 0) continue;
    const PauseHistogram& h = *iso.pauses[k];
    s += fmt::format(
        "\n    {:<22} {:>7}   pauses p50 {:.2f} ms, p95 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms, "
        "total {:.1f} ms",
        KeyName(k), iso.by_key[k], h.Percentile(50), h.Percentile(95), h.Percentile(99), h.max(),
        iso.pause_total_ms[k]);
  }
  s += "\n  by reason:";
  for (const auto& [name, n] : iso.ByReason())
    s += fmt::format("\n    {:<45} {:>7}", name, n);
  if (!iso.by_collector_reason.empty()) {
    s += "\n  by collector reason:";
    for (const auto& [name, n] : iso.by_collector_reason)
      s += fmt::format("\n    {:<45} {:>7}", name, n);
  }
  s += "\n";
  if (iso.interleaved > 0 || iso.from_dump > 0) {
    s += fmt::format(
        "  young GCs during full marking (interleaved): {}; read only from the "
        "out-of-memory report: {}\n",
        iso.interleaved, iso.from_dump);
  }
  s += fmt::format(
      "  over time (buckets of {:.0f} s; heap before -> after the bucket's last GC, committed "
      "after it):\n",
      iso.bucket_ms / 1000);
  for (std::size_t i = 0; i < iso.timeline.size(); ++i) {
    const Bucket& b = iso.timeline[i];
    const double start = static_cast<double>(i) * iso.bucket_ms;
    // The last bucket is as long as the log went into it.
    const double span =
        i + 1 == iso.timeline.size() ? std::max(1.0, end_ms - start) : iso.bucket_ms;
    if (b.gcs == 0) {
      s += fmt::format("    {:>8.0f} s {:>7} GCs\n", start / 1000, 0);
      continue;
    }
    s += fmt::format(
        "    {:>8.0f} s {:>7} GCs {:>9.1f} ms in GC ({:.1f} ms per minute)   {:.1f} -> {:.1f} MB "
        "({:.1f} MB)\n",
        start / 1000, b.gcs, b.gc_ms, b.gc_ms * kMsPerMinute / span, Mb(b.heap_before),
        Mb(b.heap_after), Mb(b.committed));
  }
  if (end_ms > 0) {
    s += fmt::format("  time in GC: {:.1f} ms per minute over {:.1f} s\n",
                     iso.run.total_pause_ms() * kMsPerMinute / end_ms, end_ms / 1000);
  }
  const Verdict v = iso.MakeVerdict(options_);
  if (v.growing) s += "  verdict: " + v.text + "\n";
  if (iso.out_of_memory) {
    s += fmt::format("  out of memory at {:.0f} ms: {}\n", iso.oom_time_ms, iso.oom_message);
  }
  return s;
}

}  // namespace heaplab
