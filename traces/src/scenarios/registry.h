// Internal to traces/: the generator functions and the builder they share.
#pragma once

#include <heaplab/traces/scenarios.h>
#include "scenarios/builder.h"

namespace heaplab {

void GenerateChurn(const ScenarioOptions& o, TraceSink& sink);
void GenerateSurvivors(const ScenarioOptions& o, TraceSink& sink);
void GenerateLeakCache(const ScenarioOptions& o, TraceSink& sink);
void GenerateLruCache(const ScenarioOptions& o, TraceSink& sink);
void GenerateSlowQueue(const ScenarioOptions& o, TraceSink& sink);
void GenerateFragmentation(const ScenarioOptions& o, TraceSink& sink);
void GenerateClosureRetention(const ScenarioOptions& o, TraceSink& sink);
void GenerateAsyncBursts(const ScenarioOptions& o, TraceSink& sink);
void GenerateBufferServer(const ScenarioOptions& o, TraceSink& sink);
void GenerateBigFile(const ScenarioOptions& o, TraceSink& sink);
void GenerateBufferConcat(const ScenarioOptions& o, TraceSink& sink);
void GenerateStaticBuffer(const ScenarioOptions& o, TraceSink& sink);

}  // namespace heaplab
