#!/usr/bin/env python3
"""Summarizes a JFR recording of CPU samples: share per thread group, and the inclusive share of
the frames whose names start with the given prefixes.
    jfr print --stack-depth 96 --events jdk.ExecutionSample cpu.jfr > samples.txt
    bench/jfr/hot.py samples.txt dev.cqrs org.hibernate com.sun.gjc ..."""
import collections
import re
import sys

events = open(sys.argv[1]).read().split('jdk.ExecutionSample {')[1:]
prefixes = tuple(sys.argv[2:]) or ('dev.cqrs',)
threads, inclusive = collections.Counter(), collections.Counter()
for event in events:
    thread = re.search(r'sampledThread = "([^"]+)"', event)
    threads[re.sub(r'\d+', 'N', thread.group(1) if thread else '?')] += 1
    seen = set()
    for frame in re.findall(r'^\s+([\w$.<>/]+)\(', event, re.M):
        if frame.startswith(prefixes) and frame not in seen and '$Proxy$' not in frame:
            inclusive[frame] += 1
            seen.add(frame)
total = len(events) or 1
print(f'{len(events)} samples')
for name, count in threads.most_common(8):
    print(f'{100 * count / total:5.1f}%  thread {name}')
for name, count in inclusive.most_common(40):
    print(f'{100 * count / total:5.1f}%  {name}')
