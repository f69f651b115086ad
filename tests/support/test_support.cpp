#include "support/test_support.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

extern char** environ;

namespace imagery::testing {

std::string data_path(const std::string& relative) {
  return std::string(IMAGERY_TEST_DATA) + "/" + relative;
}
std::string shared_fixture_path(const std::string& relative) {
#ifdef IMAGERY_SHARED_FIXTURES
  return std::string(IMAGERY_SHARED_FIXTURES) + "/" + relative;
#else
  throw std::runtime_error("the tests were built without ../shared/fixtures (" + relative + ")");
#endif
}

std::string read_text(const std::string& path) {
  auto b = read_file(path);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string cli_path() {
  return IMAGERY_CLI_PATH;
}

std::string sha256_hex(std::span<const std::byte> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<std::byte> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(buf.size());
  if (!buf.empty()) std::memcpy(out.data(), buf.data(), buf.size());
  return out;
}

void write_file(const std::string& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_file(const std::string& path, const std::string& text) {
  write_file(path, std::as_bytes(std::span(text.data(), text.size())));
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("imagery-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rd() % 100000));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {
std::string slurp_fd(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}
}  // namespace

CommandResult run_program(const std::string& program, const std::vector<std::string>& args) {
  return run_program_with_env(program, args, {});
}

CommandResult run_program_with_env(const std::string& program,
                                   const std::vector<std::string>& args,
                                   const std::vector<std::string>& env) {
  // The environment: ours with each NAME=VALUE of `env` replacing NAME (NAME= alone removes it).
  std::vector<std::string> entries;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& mine : env) replaced = replaced || mine.substr(0, mine.find('=')) == name;
    if (!replaced) entries.push_back(entry);
  }
  for (const auto& mine : env)
    if (mine.find('=') + 1 < mine.size()) entries.push_back(mine);
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  TempDir tmp;
  std::string out_path = tmp.file("stdout"), err_path = tmp.file("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int fd = ::open(out_path.c_str(), O_RDONLY);
  r.out = slurp_fd(fd);
  ::close(fd);
  fd = ::open(err_path.c_str(), O_RDONLY);
  r.err = slurp_fd(fd);
  ::close(fd);
  return r;
}

CommandResult run_imagery(const std::vector<std::string>& args) {
  return run_program(cli_path(), args);
}

CommandResult run_imagery_with_env(const std::vector<std::string>& args,
                                   const std::vector<std::string>& env) {
  return run_program_with_env(cli_path(), args, env);
}

int count_lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

}  // namespace imagery::testing
