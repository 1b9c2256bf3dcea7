// Promotion policy: which survivors of a Scavenge leave the young generation.
//
// V8 (default): an object below the age mark has survived one Scavenge already and is
// promoted; any other survivor is copied within new space, or promoted when to-space is full.
// Book (--promotion=book): as V8, and also every survivor while to-space is 25% full or more,
// the classic rule that keeps a copying nursery from overflowing (Appel 1989).
#pragma once

#include <heaplab/gc/config.h>
#include <heaplab/heap/new_space.h>

namespace heaplab {

class PromotionPolicy {
 public:
  explicit PromotionPolicy(PromotionRule rule) : rule_(rule) {}

  // Called during a Scavenge for an object in from-space.
  bool ShouldPromote(Address object, const NewSpace& new_space) const {
    if (object < new_space.age_mark()) return true;
    return rule_ == PromotionRule::Book &&
           static_cast<double>(new_space.Size()) >=
               kBookPromotionFill * static_cast<double>(new_space.Capacity());
  }

  PromotionRule rule() const { return rule_; }

 private:
  PromotionRule rule_;
};

}  // namespace heaplab
