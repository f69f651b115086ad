#include "imagery/core/task_group.h"

namespace imagery {

bool TaskGroup::State::run_one() {
  std::function<void()> task;
  {
    std::lock_guard lock(mutex);
    if (queue.empty()) return false;
    task = std::move(queue.front());
    queue.pop_front();
  }
  try {
    task();
  } catch (...) {
    std::lock_guard lock(mutex);
    if (!error) error = std::current_exception();
  }
  {
    std::lock_guard lock(mutex);
    --unfinished;
  }
  cv.notify_all();
  return true;
}

TaskGroup::TaskGroup(ThreadPool& pool) : pool_(pool), state_(std::make_shared<State>()) {}

TaskGroup::~TaskGroup() {
  try {
    wait();
  } catch (...) {
  }
}

void TaskGroup::run(std::function<void()> task) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.push_back(std::move(task));
    ++state_->unfinished;
  }
  pool_.submit([state = state_] { state->run_one(); });
}

void TaskGroup::wait() {
  while (state_->run_one()) {
  }
  std::unique_lock lock(state_->mutex);
  state_->cv.wait(lock, [&] { return state_->unfinished == 0; });
  if (state_->error) {
    auto e = state_->error;
    state_->error = nullptr;
    std::rethrow_exception(e);
  }
}

bool TaskGroup::failed() const {
  std::lock_guard lock(state_->mutex);
  return state_->error != nullptr;
}

}  // namespace imagery
