#!/usr/bin/env python3
# Row-1 verdicts from a JMH JSON result: means with JMH's 99.9% error, ratios with propagated error, medians of iterations.
import json, math, statistics, sys
d = {}
for b in json.load(open(sys.argv[1])):
    n = b['benchmark'].replace('org.kmod4j.bench.GuardBench.', '')
    it = [x for f in b['primaryMetric']['rawData'] for x in f]
    d[n] = (b['primaryMetric']['score'], b['primaryMetric']['scoreError'], statistics.median(it), min(it))
def g(n): return d.get(n)
def ratio(a, b):
    if not (g(a) and g(b)): return None
    (x, dx, mx, _), (y, dy, my, _) = g(a), g(b)
    r = x / y
    return r, r * math.sqrt((dx / x) ** 2 + (dy / y) ** 2), mx / my
def diff(a, b):
    (x, dx, mx, _), (y, dy, my, _) = g(a), g(b)
    return x - y, math.sqrt(dx * dx + dy * dy), mx - my
for n, (s, e, m, mn) in sorted(d.items()):
    print('%-45s %8.2f ± %6.2f ns  (median %6.2f, min %6.2f)' % (n, s, e, m, mn))
def pr(label, v, unit='×'):
    if v: print('%-60s %6.2f%s ± %5.2f   (medians: %5.2f%s)' % (label, v[0], unit, v[1], v[2], unit))
for t in ('T1', 'T2'):
    pr(t + ' guard pair / AtomicLong pair', ratio(t + '.kmodGuardPair', t + '.atomicLongPair'))
    pr(t + ' floor / AtomicLong pair', ratio(t + '.fenceFloorPair', t + '.atomicLongPair'))
    pr(t + ' guard pair / floor', ratio(t + '.kmodGuardPair', t + '.fenceFloorPair'))
    pr(t + ' floor via ThreadLocal / floor', ratio(t + '.fenceFloorPairThreadLocal', t + '.fenceFloorPair'))
    if g(t + '.kmodGuardedProxyCall') and g(t + '.kmodGuardPairAroundDirectCall'):
        pr(t + ' proxy call - guard pair around the call', diff(t + '.kmodGuardedProxyCall', t + '.kmodGuardPairAroundDirectCall'), ' ns')
        pr(t + ' proxy call / guard pair around the call', ratio(t + '.kmodGuardedProxyCall', t + '.kmodGuardPairAroundDirectCall'))
if g('T2.kmodGuardPair') and g('T1.kmodGuardPair'):
    gs = ratio('T2.kmodGuardPair', 'T1.kmodGuardPair'); pr('guard pair 2 threads / 1 thread', gs)
    if g('T2.directCall'):
        cs = ratio('T2.directCall', 'T1.directCall'); pr('control (direct call) 2 threads / 1 thread', cs)
        n = gs[0] / cs[0]; print('%-60s %6.2f× ± %5.2f   (medians: %5.2f×)' % ('guard scaling / control scaling', n, n * math.sqrt((gs[1]/gs[0])**2 + (cs[1]/cs[0])**2), gs[2] / cs[2]))
    if g('T2.fenceFloorPair'):
        fs = ratio('T2.fenceFloorPair', 'T1.fenceFloorPair'); pr('floor 2 threads / 1 thread', fs)
        n = gs[0] / fs[0]; print('%-60s %6.2f× ± %5.2f   (medians: %5.2f×)' % ('guard scaling / floor scaling', n, n * math.sqrt((gs[1]/gs[0])**2 + (fs[1]/fs[0])**2), gs[2] / fs[2]))
