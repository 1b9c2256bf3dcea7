// Out of memory, as V8 reports it. Thrown by the collectors and the controller when the heap
// cannot grow and collecting no longer helps; the command line catches it, prints V8's text and
// exits with status 134. Nothing is printed here.
#pragma once

#include <exception>

namespace heaplab {

class OutOfMemory : public std::exception {
 public:
  enum class Kind {
    IneffectiveMarkCompacts,  // "Ineffective mark-compacts near heap limit"
    HeapLimit,                // "Reached heap limit"
  };
  explicit OutOfMemory(Kind kind) : kind_(kind) {}
  Kind kind() const { return kind_; }
  // V8's message after "FATAL ERROR: ".
  const char* what() const noexcept override {
    return kind_ == Kind::IneffectiveMarkCompacts
               ? "Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap "
                 "out of memory"
               : "Reached heap limit Allocation failed - JavaScript heap out of memory";
  }

 private:
  Kind kind_;
};

}  // namespace heaplab
