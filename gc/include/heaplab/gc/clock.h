// Time for the collectors and the mutator.
//
// The real clock measures wall time with a monotonic clock; idle time the trace asks for (`t`)
// is added without sleeping. The model clock charges a fixed, documented cost for each piece
// of work (docs/clock-model.md), so that every run on every machine prints the same times:
// collectors and the mutator report their work with Charge() whichever clock runs, and only
// the model clock turns it into time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>

#include <heaplab/gc/config.h>

namespace heaplab {

enum class Work : std::uint8_t {
  Allocation,     // one object allocated by the mutator
  AllocatedByte,  // one byte allocated (initialized) by the mutator
  Store,          // one reference store or load by the mutator
  GcSetup,        // fixed cost of starting and finishing one collection
  RootSlot,       // one root or remembered slot visited
  ScannedSlot,    // one slot of a copied or marked object visited
  CopiedObject,   // one object copied or promoted
  CopiedByte,     // one byte copied or promoted
  MarkedObject,   // one object marked
  SweptPage,      // one page swept
  SweptObject,    // one object or hole passed by the sweeper
  MovedObject,    // one object moved by a compactor
  MovedByte,      // one byte moved by a compactor
  UpdatedSlot,    // one slot updated after compaction
  Count,
};
inline constexpr std::size_t kWorkKinds = static_cast<std::size_t>(Work::Count);

// Cost of each kind of work under the model clock, in nanoseconds.
std::array<double, kWorkKinds> ModelCosts();

// Charge() is on the collectors' and the mutator's hottest paths (once per copied object, once
// per allocation), so it is an inline test of one flag rather than a virtual call: under the
// real clock it costs a load and a branch.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual double NowMs() const = 0;  // since the heap was set up
  // The model clock advances by the work's cost; the real clock does nothing.
  void Charge(Work work, double count) {
    if (charges_) ns_ += costs_[static_cast<std::size_t>(work)] * count;
  }
  void Idle(double ms) { idle_ms_ += ms; }  // the mutator computes without allocating
  // Takes `ms` off the clock: work that ran here but stands for a background thread's (V8's
  // concurrent marking), measured on this clock and then excluded from the program's time.
  void Exclude(double ms) { idle_ms_ -= ms; }
  // Takes `ms` off the clock for the replay's own bookkeeping (the trace's id table), which
  // stands for nothing V8 does, and keeps the total for the summary.
  void ExcludeBookkeeping(double ms) {
    Exclude(ms);
    bookkeeping_ms_ += ms;
  }
  double bookkeeping_ms() const { return bookkeeping_ms_; }

 protected:
  Clock() = default;
  explicit Clock(const std::array<double, kWorkKinds>& costs) : charges_(true), costs_(costs) {}

  double idle_ms_ = 0;
  double bookkeeping_ms_ = 0;
  double ns_ = 0;  // charged work, in nanoseconds (model clock only)

 private:
  bool charges_ = false;
  std::array<double, kWorkKinds> costs_{};
};

class RealClock final : public Clock {
 public:
  RealClock() : start_(std::chrono::steady_clock::now()) {}
  double NowMs() const override {
    const auto d = std::chrono::steady_clock::now() - start_;
    return std::chrono::duration<double, std::milli>(d).count() + idle_ms_;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

class ModelClock final : public Clock {
 public:
  ModelClock() : Clock(ModelCosts()) {}
  double NowMs() const override { return (ns_ / 1e6) + idle_ms_; }
};

std::unique_ptr<Clock> MakeClock(ClockKind kind);

// Measures its own lifetime on the clock and takes it off again as bookkeeping
// (Clock::ExcludeBookkeeping). Nothing inside may charge work: the model clock then measures
// nothing and excludes nothing, and the real clock excludes what the scope took.
class BookkeepingScope {
 public:
  explicit BookkeepingScope(Clock& clock) : clock_(clock), start_ms_(clock.NowMs()) {}
  ~BookkeepingScope() { clock_.ExcludeBookkeeping(clock_.NowMs() - start_ms_); }
  BookkeepingScope(const BookkeepingScope&) = delete;
  BookkeepingScope& operator=(const BookkeepingScope&) = delete;

 private:
  Clock& clock_;
  double start_ms_;
};

}  // namespace heaplab
