#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <heaplab/gc/controller.h>
#include <heaplab/traces/event.h>
#include "guard.h"

namespace heaplab::cli {

std::string WithReason(const std::string& what, int error) {
  return error == 0 ? what : what + ": " + std::strerror(error);
}

void FlushStandardOutput() {
  errno = 0;
  std::cout.flush();
  if (!std::cout) {
    throw std::runtime_error(WithReason("cannot write the output to standard output", errno));
  }
}

int Guard(const std::function<int()>& body) {
  try {
    return body();
  } catch (const TraceError& e) {
    std::cout.flush();
    std::cerr << "heaplab: error: " << e.what() << "\n";
    return kExitTraceError;
  } catch (const VerifyError& e) {
    std::cout.flush();
    std::cerr << "heaplab: " << e.what();
    return kExitVerify;
  } catch (const CLI::ValidationError& e) {
    std::cerr << "heaplab: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    std::cerr << "heaplab: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cout.flush();
    std::cerr << "heaplab: error: out of memory in the host process\n";
    return kExitOutOfMemory;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "heaplab: error: " << e.what() << "\n";
    return kExitTraceError;
  }
}

}  // namespace heaplab::cli
