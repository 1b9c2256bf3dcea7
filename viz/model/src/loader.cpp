#include <heaplab/viz/loader.h>

#include <QThread>
#include <cmath>

#include <heaplab/viz/run_index.h>

namespace heaplab::viz {

Loader::Loader(QObject* parent) : QObject(parent) {}

Loader::~Loader() {
  Cancel();
  Wait();
}

void Loader::Load(std::shared_ptr<const Document> doc, const GcFlags& flags) {
  LoadEach(std::move(doc), {flags});
}

void Loader::LoadEach(std::shared_ptr<const Document> doc, const std::vector<GcFlags>& configs) {
  Start([doc, configs](LoadControl& control) {
    Runs runs;
    for (const GcFlags& flags : configs)
      runs.push_back(LoadIndexedRun(*doc, flags, control));
    return runs;
  });
}

void Loader::Start(Job job) {
  Cancel();
  Wait();
  const int generation = ++generation_;
  auto control = std::make_shared<LoadControl>();
  auto last = std::make_shared<int>(-2);
  control->progress = [this, generation, last](double fraction) {
    const int percent = fraction < 0 ? -1 : static_cast<int>(std::floor(fraction * 100));
    if (percent == *last) return;
    *last = percent;
    QMetaObject::invokeMethod(
        this,
        [this, generation, fraction] {
          if (generation == generation_) Q_EMIT progress(fraction);
        },
        Qt::QueuedConnection);
  };
  control_ = control;
  thread_ = QThread::create([this, job = std::move(job), control, generation] {
    Runs runs;
    QString error;
    bool was_cancelled = false;
    try {
      runs = job(*control);
    } catch (const Cancelled&) {
      was_cancelled = true;
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, runs = std::move(runs), error, was_cancelled] {
          if (generation != generation_) return;
          control_.reset();
          if (was_cancelled) {
            Q_EMIT cancelled();
          } else if (!error.isEmpty()) {
            Q_EMIT failed(error);
          } else {
            Q_EMIT finished(runs);
          }
        },
        Qt::QueuedConnection);
  });
  thread_->start();
}

void Loader::Cancel() {
  if (control_) control_->cancel = true;
}

void Loader::Wait() {
  if (thread_ != nullptr) {
    QThread* t = thread_;
    thread_ = nullptr;
    t->wait();
    delete t;
  }
}

}  // namespace heaplab::viz
