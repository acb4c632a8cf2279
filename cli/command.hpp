#pragma once
// Each subcommand lives in commands/<name>.cpp and registers itself here, so
// main.cpp never grows with the engine.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace tryggve::cli {

struct GlobalOptions {
  int threads = 0;  // 0 = all cores
  bool quiet = false;
  bool verbose = false;
};

struct Command {
  std::string name;
  // Adds the subcommand to `app` and returns the function to run when it is chosen.
  std::function<std::function<int()>(CLI::App& app, const GlobalOptions& g)> setup;
};

std::vector<Command>& registry();

struct Registrar {
  explicit Registrar(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace tryggve::cli
