// An outside program on an installed heaplab: replays a trace file through the Session API and
// counts the collections it caused. Exit status 0 when the replay ran at least one Scavenge,
// 1 when it ran none, 2 on a usage error or a bad trace.
#include <exception>
#include <iostream>
#include <memory>

#include <heaplab/gc/event.h>
#include <heaplab/traces/session.h>

namespace {

class CollectionCounter : public heaplab::GcObserver {
 public:
  void OnGc(const heaplab::GcEvent& event) override {
    if (event.collector == heaplab::Collector::Scavenge) {
      ++scavenges;
    } else {
      ++mark_compacts;
    }
  }
  int scavenges = 0;
  int mark_compacts = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer TRACE\n";
    return 2;
  }
  try {
    const heaplab::GcConfig config;
    auto session = std::make_unique<heaplab::Session>(config);
    CollectionCounter counter;
    session->tracer().AddObserver(&counter);
    session->ReplayFile(argv[1]);
    std::cout << "scavenges " << counter.scavenges << ", mark-compacts " << counter.mark_compacts
              << "\n";
    return counter.scavenges > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 2;
  }
}
