#include <heaplab/gc/pretenuring.h>

namespace heaplab {

const char* PretenureDecisionName(PretenureDecision d) {
  switch (d) {
    case PretenureDecision::Undecided:
      return "undecided";
    case PretenureDecision::DontTenure:
      return "don't tenure";
    case PretenureDecision::MaybeTenure:
      return "maybe tenure";
    case PretenureDecision::Tenure:
      return "tenure";
  }
  return "?";
}

std::uint32_t Pretenuring::SiteIndex(std::uint64_t name) {
  const auto [it, inserted] = index_.try_emplace(name, static_cast<std::uint32_t>(sites_.size()));
  if (inserted) sites_.push_back(Site{name});
  return it->second;
}

namespace {

// V8 (MakePretenureDecision): only undecided and maybe-tenure sites move.
void Decide(Pretenuring::Site& s, double ratio, bool maximum_size_scavenge) {
  if (s.decision != PretenureDecision::Undecided && s.decision != PretenureDecision::MaybeTenure)
    return;
  if (ratio >= Pretenuring::kPretenureRatio) {
    s.decision = maximum_size_scavenge ? PretenureDecision::Tenure : PretenureDecision::MaybeTenure;
  } else {
    s.decision = PretenureDecision::DontTenure;
  }
}

}  // namespace

void Pretenuring::Process(bool maximum_size_scavenge, bool deopt_maybe_tenured, double time_ms,
                          Tracer& out) {
  if (!enabled_) return;
  PretenuringEvent summary;
  summary.kind = PretenuringEventKind::Summary;
  summary.time_ms = time_ms;
  for (const std::uint32_t index : feedback_) {
    Site& s = sites_[index];
    s.listed = false;
    ++summary.visited;
    // A site reset since it was listed has nothing to digest.
    if (s.found == 0) continue;
    ++summary.active;
    summary.mementos += s.found;
    // V8 (DigestPretenuringFeedback).
    PretenuringEvent e;
    e.time_ms = time_ms;
    e.site = s.name;
    e.created = s.created;
    e.found = s.found;
    e.before = static_cast<std::uint8_t>(s.decision);
    const bool minimum_created = s.created >= kMinMementoCount;
    // (V8 computes the ratio for its trace even below the minimum.)
    e.ratio = s.created > 0 ? static_cast<double>(s.found) / s.created : 0.0;
    if (minimum_created) Decide(s, e.ratio, maximum_size_scavenge);
    e.after = static_cast<std::uint8_t>(s.decision);
    // V8 (MakePretenureDecision): becoming `tenure` deoptimizes the site's code.
    if (e.after != e.before && s.decision == PretenureDecision::Tenure) Deoptimize(s);
    s.created = 0;
    s.found = 0;
    out.Publish(e);
    if (s.decision == PretenureDecision::Tenure) {
      ++summary.tenured;
    } else {
      ++summary.not_tenured;
    }
  }
  feedback_.clear();
  // V8 (DeoptMaybeTenuredAllocationSites) visits every site and deoptimizes the code of the
  // maybe-tenure ones; the visit is counted as V8's trace counts it.
  summary.deopt_maybe_tenured = deopt_maybe_tenured;
  if (deopt_maybe_tenured) {
    summary.visited += static_cast<int>(sites_.size());
    for (Site& s : sites_) {
      if (s.decision == PretenureDecision::MaybeTenure) Deoptimize(s);
    }
  }
  if (summary.mementos > 0 || summary.tenured > 0 || summary.not_tenured > 0) out.Publish(summary);
}

void Pretenuring::EvaluateOldSpaceSurvival(std::size_t objects_before, std::size_t objects_after,
                                           double time_ms, Tracer& out) {
  if (!enabled_ || objects_before == 0) return;
  const double rate =
      static_cast<double>(objects_after) * 100 / static_cast<double>(objects_before);
  if (rate >= kOldSurvivalRateLowThreshold) return;
  // V8 (Heap::ResetAllAllocationSitesDependentCode): tenured sites start over.
  for (Site& s : sites_) {
    if (s.decision != PretenureDecision::Tenure) continue;
    s.decision = PretenureDecision::Undecided;
    s.created = 0;
    s.found = 0;
    Deoptimize(s);
  }
  PretenuringEvent e;
  e.kind = PretenuringEventKind::Reset;
  e.time_ms = time_ms;
  e.survival_rate = rate;
  out.Publish(e);
}

}  // namespace heaplab
