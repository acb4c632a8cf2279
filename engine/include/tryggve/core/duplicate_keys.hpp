#pragma once
// YAML allows no key twice in one mapping, but yaml-cpp reads `seed: 1` then
// `seed: 2` without a word and keeps one of them: a user who edits a scenario or
// taxonomy by hand would never learn which. The readers refuse it instead.
// A template over the node type, so that core needs no yaml-cpp (the scenario and
// taxonomy modules, which parse YAML, instantiate it with YAML::Node).
#include <set>
#include <string>
#include <vector>

namespace tryggve {

// The first repeated scalar key anywhere in the document (depth first, in
// order): `path` gets its dotted path ("interventions[0].where.park"),
// `first` / `again` its two key nodes. False if there is none.
template <class Node>
bool first_duplicate_key(const Node& root, std::string& path, Node& first, Node& again) {
  struct Item {
    Node node;
    std::string path;
  };
  std::vector<Item> stack{{root, ""}};
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    std::vector<Item> children;
    if (it.node.IsMap()) {
      std::vector<std::pair<std::string, Node>> seen;
      for (auto kv = it.node.begin(); kv != it.node.end(); ++kv) {
        if (!kv->first.IsScalar()) continue;
        const std::string k = kv->first.Scalar();
        for (const auto& [name, node] : seen)
          if (name == k) {
            path = it.path.empty() ? k : it.path + "." + k;
            first = node;
            again = kv->first;
            return true;
          }
        seen.emplace_back(k, kv->first);
        children.push_back({kv->second, it.path.empty() ? k : it.path + "." + k});
      }
    } else if (it.node.IsSequence()) {
      for (std::size_t i = 0; i < it.node.size(); ++i)
        children.push_back({it.node[i], it.path + "[" + std::to_string(i) + "]"});
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return false;
}

}  // namespace tryggve
