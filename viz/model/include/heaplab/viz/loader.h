// Loads documents on a worker thread (QThread), so that the GUI never waits for a replay. One
// job at a time: starting a new one cancels the running one, whose result is then dropped.
// Progress arrives throttled (at most once per percent), through the event loop.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <QObject>
#include <QString>

#include <heaplab/viz/document.h>

class QThread;

namespace heaplab::viz {

using Runs = std::vector<std::shared_ptr<const RunData>>;

class Loader : public QObject {
  Q_OBJECT
 public:
  using Job = std::function<Runs(LoadControl&)>;
  explicit Loader(QObject* parent = nullptr);
  ~Loader() override;

  // One run of `doc` under `flags`.
  void Load(std::shared_ptr<const Document> doc, const GcFlags& flags);
  // The same document under each of `configs`, one after the other (the compare view).
  void LoadEach(std::shared_ptr<const Document> doc, const std::vector<GcFlags>& configs);
  void Start(Job job);
  void Cancel();
  bool busy() const { return control_ != nullptr; }
  // Blocks until the running job (if any) has stopped; for shutdown and tests.
  void Wait();

 Q_SIGNALS:
  void progress(double fraction);  // -1: unknown
  void finished(heaplab::viz::Runs runs);
  void failed(QString message);
  void cancelled();

 private:
  std::shared_ptr<LoadControl> control_;
  QThread* thread_ = nullptr;
  int generation_ = 0;
};

}  // namespace heaplab::viz
