#!/usr/bin/env python3
"""check_prom.py FILE: validate a Prometheus text exposition file.

Checks what the node exporter's textfile collector needs: every sample
line is NAME[{labels}] VALUE with a legal metric name and a float value,
each family has one HELP and one TYPE line before its samples, and no
family appears twice.  Prints the number of samples; exits 1 on a fault.
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
SAMPLE = re.compile(r'^(' + NAME + r')(\{[^}]*\})? (\S+)( -?\d+)?$')


def main(path):
    helps, types, seen_samples = set(), {}, set()
    n = 0
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('# HELP '):
                name = line.split()[2]
                if name in helps:
                    sys.exit(f'{path}:{lineno}: second HELP for {name}')
                helps.add(name)
            elif line.startswith('# TYPE '):
                _, _, name, kind = line.split()
                if kind not in ('gauge', 'counter', 'untyped', 'summary',
                                'histogram'):
                    sys.exit(f'{path}:{lineno}: bad type {kind}')
                types[name] = kind
            elif line.startswith('#') or not line:
                continue
            else:
                m = SAMPLE.match(line)
                if not m:
                    sys.exit(f'{path}:{lineno}: not a sample: {line!r}')
                float(m.group(3))
                if m.group(1) not in types or m.group(1) not in helps:
                    sys.exit(f'{path}:{lineno}: {m.group(1)} lacks HELP '
                             'or TYPE')
                key = m.group(1) + (m.group(2) or '')
                if key in seen_samples:
                    sys.exit(f'{path}:{lineno}: duplicate sample {key}')
                seen_samples.add(key)
                n += 1
    return n


if __name__ == '__main__':
    main(sys.argv[1])
