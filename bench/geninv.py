#!/usr/bin/env python3
"""geninv.py - inventories and location lists for the benchmark.

usage: geninv.py vast N OUT        Vast.ai inventory of N instances (JSON)
       geninv.py gcloud N OUT      GCP instance list of N VMs (JSON)
       geninv.py locations N OUT   N location strings, one a line

The inventories are shaped like data/demo/vast_instances.json and
data/demo/gcp_instances.json: each record is a copy of a demo record with
its identity changed.  VM i is cpu-worker-NNNNN in the zone and with the
instance id that bench/genbill.c gives it (keep the two in step), labelled
paired-gpu = 30000000 + i, the Vast id of GPU i.  GPU locations, and the
location lists, are drawn from a pool of a few thousand distinct strings
built from data/gazetteer.tsv (subdivisions and cities, "Name, CC" with a
continent code now and then) and the demo's awkward values; the draw is
skewed (a few places are common, most are rare) and seeded, so the same
arguments give the same file.
"""
import copy
import json
import os
import random
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DEMO = os.path.join(TOP, "data", "demo")
POOL_SIZE = 3000

# (region, zone) of VM i is ZONES[i * 7 % len(ZONES)], as in genbill.c.
ZONES = [
    ("us-central1", "us-central1-a"), ("us-central1", "us-central1-b"),
    ("us-central1", "us-central1-c"), ("us-central1", "us-central1-f"),
    ("us-central1", "us-central1-b"), ("us-east4", "us-east4-a"),
    ("us-south1", "us-south1-b"),
    ("northamerica-northeast1", "northamerica-northeast1-a"),
    ("europe-west4", "europe-west4-b"),
    ("asia-northeast1", "asia-northeast1-c"),
]
CONTINENT = {"US": "NA", "CA": "NA", "MX": "NA", "BR": "SA", "AR": "SA",
             "JP": "AS", "TW": "AS", "KR": "AS", "IN": "AS", "AU": "OC"}
API = "https://www.googleapis.com/compute/v1/projects/acme-gpu-orchestration"


def location_pool():
    """A few thousand distinct location strings, common ones first."""
    rows = []
    path = os.path.join(TOP, "data", "gazetteer.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if p[0] == "S":
                rows.append((p[5], p[1][:2]))
            elif p[0] == "P":
                rows.append((p[5], p[1]))
    rng = random.Random(7)
    rng.shuffle(rows)
    demo = [g.get("geolocation") for g in load("vast_instances.json")]
    pool = [d for d in demo if d is not None]
    seen = set(pool)
    for name, cc in rows:
        s = "%s, %s" % (name, cc)
        if cc in CONTINENT and len(pool) % 2:
            s += ", " + CONTINENT[cc]
        if s not in seen:
            seen.add(s)
            pool.append(s)
        if len(pool) == POOL_SIZE:
            break
    return pool


def draw(rng, pool):
    """A skewed draw: index k comes up about as often as 1/(k+1)."""
    k = int((len(pool) + 1) ** rng.random()) - 1
    return pool[min(k, len(pool) - 1)]


def load(name):
    with open(os.path.join(DEMO, name), encoding="utf-8") as f:
        return json.load(f)


def vast(n):
    demo, pool, rng = load("vast_instances.json"), location_pool(), \
        random.Random(1)
    out = []
    for i in range(n):
        g = copy.deepcopy(demo[i % len(demo)])
        g["id"] = 30000000 + i
        g["machine_id"] = 40000 + i
        g["host_id"] = 50000 + i
        g["label"] = "bench-%05d" % i
        g["geolocation"] = draw(rng, pool)
        ip = "%s.%d" % (("192.0.2", "198.51.100", "203.0.113")[i % 3],
                        i // 3 % 254 + 1)
        g["public_ipaddr"] = g["ssh_host"] = ip
        out.append(g)
    return out


def gcloud(n):
    demo = load("gcp_instances.json")
    tpl = next(v for v in demo if "paired-gpu" in v.get("labels", {}))
    out = []
    for i in range(n):
        v = copy.deepcopy(tpl)
        region, zone = ZONES[i * 7 % len(ZONES)]
        name = "cpu-worker-%05d" % i
        v["name"] = name
        v["id"] = str(4000000000000000000 + i * 7919)
        v["zone"] = "%s/zones/%s" % (API, zone)
        v["selfLink"] = "%s/zones/%s/instances/%s" % (API, zone, name)
        mt = "n2-highmem-4" if i % 3 == 1 else "e2-standard-4"
        v["machineType"] = "%s/zones/%s/machineTypes/%s" % (API, zone, mt)
        v["labels"] = {"env": "prod", "paired-gpu": str(30000000 + i),
                       "team": ("training", "inference", "eval")[i % 3]}
        for d in v.get("disks", []):
            d["deviceName"] = name
            d["source"] = "%s/zones/%s/disks/%s" % (API, zone, name)
        nic = v["networkInterfaces"][0]
        nic["networkIP"] = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255,
                                            i & 255)
        nic["subnetwork"] = "%s/regions/%s/subnetworks/default" % (API, region)
        out.append(v)
    return out


def locations(n, f):
    pool, rng = location_pool(), random.Random(3)
    for _ in range(n):
        f.write(draw(rng, pool) + "\n")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("vast", "gcloud",
                                                 "locations"):
        sys.exit(__doc__.split("\n\n")[1])
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        if kind == "locations":
            locations(n, f)
        else:
            json.dump(vast(n) if kind == "vast" else gcloud(n), f, indent=2,
                      ensure_ascii=False)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
