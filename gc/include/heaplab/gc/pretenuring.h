// Allocation-site pretenuring (V8 11.3: PretenuringHandler, AllocationSite): objects allocated at
// a site whose objects mostly survive their first Scavenge are allocated straight in old space,
// so that they are not copied once and then promoted.
//
// The feedback loop, as V8 runs it:
//   1. Allocating at a tracked site in new space writes an allocation memento behind the object
//      (object.h) and counts one memento created for the site.
//   2. The Scavenger (and a full GC's evacuation of new space, except on pages it promotes
//      whole: mark_compact.h) looks behind every live young object it moves; a memento there
//      counts one memento found for its site. A site whose found count reaches
//      kMinMementoCount joins this cycle's feedback list.
//   3. After every collection (ProcessPretenuringFeedback) each site on the list with a found
//      count digests its feedback (DigestPretenuringFeedback): once kMinMementoCount mementos
//      were created, a found ratio of at least kPretenureRatio makes the site `tenure` when this
//      GC began with new space at its maximum capacity and `maybe tenure` otherwise; a lower
//      ratio makes it `don't tenure`. Only undecided and maybe-tenure sites change. Digesting
//      resets both counts.
//   4. After a full GC that kept less than kOldSurvivalRateLowThreshold percent of the heap's
//      objects (Heap::EvaluateOldSpaceLocalPretenuring), every tenured site is reset to
//      undecided: its objects were dying in old space.
// Allocations at a `tenure` site go to old space, without a memento.
//
// Optimized code (`j SITE N` in a trace): V8 creates mementos only in code that is not
// optimized (the interpreter's and baseline code's literal builtins); TurboFan's inlined
// allocations carry none but keep the site's tenure decision (JSCreateLowering depends on it).
// A site declared with SetTierUp(N) makes mementos for its first N allocations, then none,
// until V8 would deoptimize its code: when the site becomes `tenure`
// (PretenuringHandler::MakePretenureDecision), when new space reaches its maximum capacity
// while the site is `maybe tenure` (DeoptMaybeTenuredAllocationSites), and when tenured sites
// are reset (Heap::ResetAllAllocationSitesDependentCode); it then makes N more before it is
// optimized again. heaplab counts per site where V8 deoptimizes a whole function; a site never
// declared makes a memento at every allocation (code that is never optimized).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <heaplab/gc/tracer.h>

namespace heaplab {

enum class PretenureDecision : std::uint8_t { Undecided, DontTenure, MaybeTenure, Tenure };
const char* PretenureDecisionName(PretenureDecision d);  // V8's words: "maybe tenure", ...

inline constexpr std::uint32_t kNoSite = 0xFFFFFFFFu;

class Pretenuring {
 public:
  static constexpr int kMinMementoCount = 100;     // AllocationSite::kPretenureMinimumCreated
  static constexpr double kPretenureRatio = 0.85;  // AllocationSite::kPretenureRatio
  static constexpr double kOldSurvivalRateLowThreshold = 10;  // percent (Heap)

  struct Site {
    std::uint64_t name = 0;  // the trace's number for it (`a ... @NAME`)
    int created = 0;         // mementos created since the last digest
    int found = 0;           // mementos found since the last digest
    bool listed = false;     // on this cycle's feedback list
    PretenureDecision decision = PretenureDecision::Undecided;
    bool tiers = false;                  // declared by SetTierUp: its code gets optimized
    std::uint32_t tier_after = 0;        // mementos before its code is optimized
    std::uint32_t unoptimized_left = 0;  // mementos left before then (0: optimized now)
    std::uint32_t deopts = 0;            // times its code was deoptimized
  };

  explicit Pretenuring(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }

  // The dense index of the site the trace calls `name`, created at first use.
  std::uint32_t SiteIndex(std::uint64_t name);
  const Site& site(std::uint32_t index) const { return sites_[index]; }
  std::size_t site_count() const { return sites_.size(); }

  bool ShouldTenure(std::uint32_t index) const {
    return sites_[index].decision == PretenureDecision::Tenure;
  }
  // Whether an allocation at the site now carries a memento: its code is not optimized.
  bool MakesMemento(std::uint32_t index) const {
    const Site& s = sites_[index];
    return !s.tiers || s.unoptimized_left > 0;
  }
  void MementoCreated(std::uint32_t index) {
    Site& s = sites_[index];
    ++s.created;
    if (s.unoptimized_left > 0) --s.unoptimized_left;
  }
  // `j SITE N`: the site's code is optimized after its next N allocations with a memento,
  // and again N allocations after each deoptimization.
  void SetTierUp(std::uint32_t index, std::uint32_t n) {
    Site& s = sites_[index];
    s.tiers = true;
    s.tier_after = n;
    s.unoptimized_left = n;
  }
  // V8 (PretenuringHandler::MergeAllocationSitePretenuringFeedback).
  void MementoFound(std::uint32_t index) {
    Site& s = sites_[index];
    if (++s.found >= kMinMementoCount && !s.listed) {
      s.listed = true;
      feedback_.push_back(index);
    }
  }

  // V8 (PretenuringHandler::ProcessPretenuringFeedback), after every collection.
  // `maximum_size_scavenge`: new space was at its maximum capacity when this GC began
  // (Heap::MaximumSizeMinorGC); `deopt_maybe_tenured`: it is at its maximum now but was not
  // when this GC began (PretenuringHandler::DeoptMaybeTenuredAllocationSites).
  // Publishes a PretenuringEvent per digested site and one summary.
  void Process(bool maximum_size_scavenge, bool deopt_maybe_tenured, double time_ms, Tracer& out);
  // V8 (Heap::EvaluateOldSpaceLocalPretenuring), after a full GC.
  void EvaluateOldSpaceSurvival(std::size_t objects_before, std::size_t objects_after,
                                double time_ms, Tracer& out);

 private:
  // V8 marks the site's dependent code for deoptimization: it runs unoptimized again.
  static void Deoptimize(Site& s) {
    if (!s.tiers) return;
    s.unoptimized_left = s.tier_after;
    ++s.deopts;
  }

  bool enabled_;
  std::vector<Site> sites_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;
  std::vector<std::uint32_t> feedback_;
};

}  // namespace heaplab
