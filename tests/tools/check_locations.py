#!/usr/bin/env python3
"""check_locations.py - score `planner resolve --json --file` on case
tables.

usage: check_locations.py PLANNER CASES.tsv...

A case row is location<TAB>accepted[<TAB>note]: accepted is a
|-separated list of regions (the answer must be one of them, with
confidence high or medium), '-' (must be unmapped), or 'low:' and
optional regions (only a large country is known: confidence low, and one
of the regions if any are given).  The same rules as the project's
acceptance check.  Prints each miss and 'check_locations: N passed, M
failed'; exits 1 on any miss.
"""
import json, subprocess, sys, tempfile


def load(path):
    cases = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                parts = line.split('\t')
                cases.append((parts[0], parts[1] if len(parts) > 1 else '-'))
    return cases


def judge(want, got):
    region, conf = got.get('region'), got.get('confidence')
    if want == '-':
        return region is None and got.get('method') == 'unmapped'
    if want.startswith('low:'):
        ok = [r for r in want[4:].split('|') if r]
        return conf == 'low' and (not ok or region in ok or region is None)
    return region in want.split('|') and conf in ('high', 'medium')


def main():
    planner, paths = sys.argv[1], sys.argv[2:]
    cases = [c for p in paths for c in load(p)]
    with tempfile.NamedTemporaryFile('w', encoding='utf-8') as f:
        f.write(''.join(loc + '\n' for loc, _ in cases))
        f.flush()
        out = subprocess.run([planner, 'resolve', '--json', '--file',
                              f.name], capture_output=True, timeout=120)
    if out.returncode not in (0, 3):
        sys.exit('planner resolve exited %d: %s' % (
            out.returncode, out.stderr.decode(errors='replace')))
    answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
    if len(answers) != len(cases):
        sys.exit('%d asked, %d answered' % (len(cases), len(answers)))
    passed = failed = 0
    for (loc, want), got in zip(cases, answers):
        if got.get('location') == loc and judge(want, got):
            passed += 1
        else:
            failed += 1
            print('MISS %r: want %s, got %s (%s, %s)' % (
                loc, want, got.get('region'), got.get('method'),
                got.get('confidence')))
    print('check_locations: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
