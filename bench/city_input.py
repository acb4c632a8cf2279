#!/usr/bin/python3
"""A city-sized input for bench/run_city_bench.sh, generated, never stored in git.

    bench/city_input.py OUT_DIR [--side 388] [--incidents 1000000] [--seed 14]

writes OUT_DIR/streets.osm: a jittered street lattice of SIDE x SIDE junctions,
100 m blocks around Gothenburg (every row and column one OSM way, split into
2 * SIDE * (SIDE - 1) edges at the shared junctions: 300,312 edges for the
default 388), and OUT_DIR/incidents.csv: INCIDENTS reports (id, time, category,
actor, setting, lat, lon, text) over 24 months, 60% near a street anywhere and
40% around 60 seeded hot spots, with the demo district's categories. The same
seed gives the same bytes (random.Random is Python's Mersenne Twister).
"""
import argparse
import math
import os
import random

LAT0, LON0 = 57.60, 11.70              # south-west corner (west of Gothenburg)
M_LAT = 1.0 / 111_320.0                # degrees of latitude per metre
BLOCK_M = 100.0
CATEGORIES = [  # (category, weight): the demo district's own mix of English codes
    ("vandalism", 61), ("youth_gatherings", 33), ("public_disorder", 27), ("burglary_theft", 19),
    ("drug_dealing", 18), ("unsafe_place", 15), ("moped_traffic_disorder", 15), ("school_fights", 8),
    ("social_media_rumours", 5), ("threats_harassment", 4), ("public_violence", 3), ("arson_fire", 3),
    ("robbery", 2), ("hostility_to_society", 1),
]
ACTORS = ["polisen", "parkförvaltningen", "Västtrafik", "bostadsbolaget", "skolan"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--side", type=int, default=388)
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    n = a.side
    m_lon = M_LAT / math.cos(math.radians(LAT0 + 0.5 * n * BLOCK_M * M_LAT))
    # Junctions in metres from the corner, jittered by up to 25 m.
    xy = [(x * BLOCK_M + rng.uniform(-25, 25), y * BLOCK_M + rng.uniform(-25, 25)) for y in range(n) for x in range(n)]

    def ll(p):
        return LAT0 + p[1] * M_LAT, LON0 + p[0] * m_lon

    with open(os.path.join(a.out, "streets.osm"), "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='tryggve bench/city_input.py' upload='never'>\n")
        for i, p in enumerate(xy):
            lat, lon = ll(p)
            f.write(f"  <node id='{i + 1}' version='1' lat='{lat:.7f}' lon='{lon:.7f}'/>\n")
        way = 0
        for kind, count in (("row", n), ("col", n)):
            for k in range(count):
                way += 1
                nodes = [k * n + x for x in range(n)] if kind == "row" else [y * n + k for y in range(n)]
                hw = "primary" if k % 10 == 0 else "residential"
                lit = "yes" if k % 3 else "no"
                f.write(f"  <way id='{way}' version='1'>\n")
                f.write("".join(f"    <nd ref='{v + 1}'/>\n" for v in nodes))
                f.write(f"    <tag k='highway' v='{hw}'/>\n    <tag k='name' v='{'Gata' if kind == 'row' else 'Väg'} {k + 1}'/>\n"
                        f"    <tag k='lit' v='{lit}'/>\n  </way>\n")
        f.write("</osm>\n")

    cats = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    hot = [(rng.uniform(0, (n - 1) * BLOCK_M), rng.uniform(0, (n - 1) * BLOCK_M)) for _ in range(60)]
    days = 730  # 2023-01-01 .. 2024-12-30
    import datetime as dt
    t0 = dt.datetime(2023, 1, 1)
    with open(os.path.join(a.out, "incidents.csv"), "w", encoding="utf-8") as f:
        f.write("id,time,category,actor,setting,lat,lon,text\n")
        for i in range(a.incidents):
            if rng.random() < 0.4:
                cx, cy = hot[rng.randrange(len(hot))]
                x, y = rng.gauss(cx, 250.0), rng.gauss(cy, 250.0)
            else:
                # A point on a random street between two junctions, up to 15 m off it.
                v = rng.randrange(n * n)
                vx, vy = divmod(v, n)[1], divmod(v, n)[0]
                w = v + 1 if (rng.random() < 0.5 and vx + 1 < n) else (v + n if vy + 1 < n else v - n)
                s = rng.random()
                x = xy[v][0] + s * (xy[w][0] - xy[v][0]) + rng.uniform(-15, 15)
                y = xy[v][1] + s * (xy[w][1] - xy[v][1]) + rng.uniform(-15, 15)
            x = min(max(x, -20.0), (n - 1) * BLOCK_M + 20.0)
            y = min(max(y, -20.0), (n - 1) * BLOCK_M + 20.0)
            lat, lon = ll((x, y))
            t = t0 + dt.timedelta(days=rng.randrange(days), seconds=rng.randrange(86400))
            cat = rng.choices(cats, weights)[0]
            f.write(f"{i + 1},{t:%Y-%m-%dT%H:%M:%S}+01:00,{cat},{ACTORS[i % len(ACTORS)]},outdoor,{lat:.6f},{lon:.6f},\n")


if __name__ == "__main__":
    main()
