#!/usr/bin/env python3
"""inv_rss.py - peak RSS of one nightly run on generated inventories.

usage: inv_rss.py PLANNER DIR N

Writes DIR/vast.json and DIR/gcloud.json with N GPUs and N VMs (each
VM paired with one GPU; locations from a few dozen, as in real
inventories), runs PLANNER on them into a fresh DIR/inv.db with the
plan as JSON, and prints the child's peak RSS in KiB (from wait4, so
no external tool).  Exit status 1 if the run fails (3, alerts, is
fine).  Used by t0270 to check that memory per instance stays small.
"""
import json
import os
import sys

LOCATIONS = ["Quebec, CA", "Texas, US", "Oregon, US", "Finland, FI",
             "Tokyo, JP", "Sydney, AU", "Sao Paulo, BR", "Mumbai, IN",
             "Belgium, BE", "Iowa, US", "Virginia, US", "Frankfurt, DE",
             "London, GB", "Seoul, KR", "Taiwan, TW", "Nowhere, ZZ"]
ZONES = ["us-central1-a", "us-east1-b", "europe-west4-a", "asia-east1-b",
         "northamerica-northeast1-a", "australia-southeast1-b"]


def write_inventories(d, n):
    with open(os.path.join(d, "vast.json"), "w") as f:
        json.dump([{"id": 30000000 + i,
                    "geolocation": LOCATIONS[i % len(LOCATIONS)],
                    "actual_status": "running", "gpu_name": "RTX 4090",
                    "num_gpus": 1, "public_ipaddr": "192.0.2.%d" % (i % 250),
                    "ssh_host": "ssh%d.vast.ai" % (i % 9),
                    "ssh_port": 20000 + i % 1000} for i in range(n)], f)
    with open(os.path.join(d, "gcloud.json"), "w") as f:
        json.dump([{"name": "cpu-worker-%06d" % i,
                    "zone": ZONES[i % len(ZONES)],
                    "id": str(4000000000000000000 + i),
                    "status": "RUNNING",
                    "labels": {"paired-gpu": str(30000000 + i),
                               "team": "training"}} for i in range(n)], f)


def main():
    planner, d, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    write_inventories(d, n)
    db = os.path.join(d, "inv.db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(planner, [planner, "-q", "--db", db,
                           "--vast-instances", os.path.join(d, "vast.json"),
                           "--gcp-instances", os.path.join(d, "gcloud.json"),
                           "--plan-json", os.path.join(d, "plan.json")])
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        print("planner exited with %d" % code, file=sys.stderr)
        return 1
    print(usage.ru_maxrss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
