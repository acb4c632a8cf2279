#pragma once
// YAML allows no key twice in one mapping, but yaml-cpp reads `seed: 1` then
// `seed: 2` without a word and keeps one of them: a user who edits a scenario or
// taxonomy by hand would never learn which. The readers refuse it instead, and
// refuse a document whose aliases expand it beyond any real file (aliases of
// aliases, "billion laughs", made the walk take 24 s under ASan on 2 kB of text)
// or never end (an alias inside the very node it names: the fuzzer's 3 kB scenario
// walked a million values, over 5 s under ASan, before the limit stopped it).
// A template over the node type, so that core needs no yaml-cpp (the scenario and
// taxonomy modules, which parse YAML, instantiate it with YAML::Node).
#include <cstddef>
#include <string>
#include <vector>

namespace tryggve {

enum class YamlKeys { Ok, Duplicate, TooLarge, Cycle };

// Walks the document depth first. Duplicate: the first repeated scalar key,
// `path` its dotted path ("interventions[0].where.park"), `first` / `again` its
// two key nodes. TooLarge: more than `max_values` values once aliases are
// expanded (`path` is where the walk stopped). Cycle: the value at `path` is an
// alias of a node that contains it (`first` that node). Node must have is()
// (yaml-cpp's identity test: an alias is the node its anchor names).
template <class Node>
YamlKeys check_yaml_keys(const Node& root, std::string& path, Node& first, Node& again,
                         std::size_t max_values = 100000) {
  struct Item {
    Node node;
    std::size_t parent;
    std::string label;  // ".key" or "[i]"
  };
  std::vector<Item> items{{root, 0, ""}};
  std::vector<std::size_t> stack{0};
  // The dotted path of item i. An alias that contains itself makes the walk as deep
  // as max_values: the path then keeps its first and last steps around "...", and is
  // built in one pass (prepending step by step was quadratic: a 2 kB file took
  // over 30 s under ASan to say it was too large).
  auto path_of = [&](std::size_t i) {
    std::vector<const std::string*> steps;
    for (; i != 0; i = items[i].parent) steps.push_back(&items[i].label);
    constexpr std::size_t kKeep = 8;
    std::string p;
    for (std::size_t k = steps.size(); k-- > 0;) {
      if (steps.size() > 2 * kKeep + 1 && k < steps.size() - kKeep && k >= kKeep) {
        if (k == kKeep) p += "...";
        continue;
      }
      p += *steps[k];
    }
    return p.empty() || p[0] != '.' ? p : p.substr(1);
  };
  while (!stack.empty()) {
    const std::size_t at = stack.back();
    stack.pop_back();
    if (items.size() > max_values) {
      path = path_of(at);
      return YamlKeys::TooLarge;
    }
    const Node n = items[at].node;
    const std::size_t before = items.size();
    if (n.IsMap()) {
      std::vector<std::pair<std::string, Node>> seen;
      for (auto kv = n.begin(); kv != n.end(); ++kv) {
        if (!kv->first.IsScalar()) continue;
        const std::string k = kv->first.Scalar();
        for (const auto& [name, key] : seen)
          if (name == k) {
            path = path_of(at);
            path += (path.empty() ? "" : ".") + k;
            first = key;
            again = kv->first;
            return YamlKeys::Duplicate;
          }
        seen.emplace_back(k, kv->first);
        items.push_back({kv->second, at, "." + k});
      }
    } else if (n.IsSequence()) {
      for (std::size_t i = 0; i < n.size() && items.size() <= max_values; ++i)
        items.push_back({n[i], at, "[" + std::to_string(i) + "]"});
    }
    // A child that is one of its own ancestors: the document never ends. Checked along
    // the parent chain, which in any real file is a few steps long.
    for (std::size_t i = before; i < items.size(); ++i) {
      const Node& child = items[i].node;
      for (std::size_t a = at;; a = items[a].parent) {
        if (child.is(items[a].node)) {
          path = path_of(i);
          first = items[a].node;
          return YamlKeys::Cycle;
        }
        if (a == 0) break;
      }
    }
    for (std::size_t i = items.size(); i > before; --i) stack.push_back(i - 1);  // in document order
  }
  return YamlKeys::Ok;
}

}  // namespace tryggve
