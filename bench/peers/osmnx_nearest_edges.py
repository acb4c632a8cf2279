#!/usr/bin/python3
"""Peer for bench/snap_bench.cpp: osmnx.distance.nearest_edges on the same network and points.

Reads the CSV files written by `snap_bench --export DIR` (nodes.csv, edges.csv with WKT
geometry, points.csv with the C++ answer per point), builds a projected osmnx graph
(MultiDiGraph, crs EPSG:3006, one directed edge per street with its geometry), times
ox.distance.nearest_edges on all the points (the call as a user makes it: osmnx builds
its edge table and R-tree inside the call), and checks its answers against the C++ ones.

Run with Debian's own interpreter (/usr/bin/python3), which sees python3-osmnx.
Prints one JSON object.
"""
import csv
import json
import sys
import time

import networkx as nx
import osmnx as ox
from shapely import wkt


def main(folder: str) -> None:
    G = nx.MultiDiGraph(crs="EPSG:3006")
    with open(f"{folder}/nodes.csv", newline="") as f:
        for row in csv.DictReader(f):
            G.add_node(int(row["id"]), x=float(row["x"]), y=float(row["y"]))
    with open(f"{folder}/edges.csv", newline="") as f:
        for row in csv.DictReader(f):
            geom = wkt.loads(row["wkt"])
            G.add_edge(int(row["u"]), int(row["v"]), key=0, id=int(row["id"]), geometry=geom, length=geom.length)
    X, Y, cpp_edge, cpp_dist = [], [], [], []
    with open(f"{folder}/points.csv", newline="") as f:
        for row in csv.DictReader(f):
            X.append(float(row["x"]))
            Y.append(float(row["y"]))
            cpp_edge.append(int(row["edge"]))
            cpp_dist.append(float(row["distance"]))

    t0 = time.perf_counter()
    ne, dist = ox.distance.nearest_edges(G, X, Y, return_dist=True)
    seconds = time.perf_counter() - t0

    # Same edge, or (a tie, or osmnx's 10-nearest-boxes shortcut missing the true
    # nearest) the same distance to 1 micrometre.
    same_edge = same_dist = 0
    for (u, v, k), d, ce, cd in zip(ne, dist, cpp_edge, cpp_dist):
        if G.edges[u, v, k]["id"] == ce:
            same_edge += 1
        if abs(d - cd) <= 1e-6:
            same_dist += 1
    n = len(X)
    print(json.dumps({
        "peer": f"osmnx {ox.__version__} nearest_edges",
        "edges": G.number_of_edges(),
        "points": n,
        "seconds": seconds,
        "points_per_second": n / seconds,
        "same_edge_fraction": same_edge / n,
        "same_distance_fraction": same_dist / n,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
