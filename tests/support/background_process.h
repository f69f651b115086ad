// BackgroundProcess: a program started without waiting (stdout and stderr to files), so a test
// can watch what it does, signal it part-way and collect its exit status.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace imagery::testing {

class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& program, const std::vector<std::string>& args);
  // Kills a process still running (SIGKILL) and reaps it.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  void signal(int sig);
  // Waits for the end; the exit status (128 + signal when killed) with the captured output.
  CommandResult wait();
  bool running();
  // What the program has written to stdout so far (it may still be running).
  std::string output_so_far() const;

 private:
  TempDir files_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace imagery::testing
