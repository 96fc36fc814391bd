"""chainrule's benchmark against micrograd 0.1.0 (issue 2, item 7).

``python bench/run.py`` (or ``make bench``) runs each workload in a fresh
process per run, engines interleaved, and prints medians and ratios.

Modules: ``engines`` (the two engines behind one small interface), ``data``
(seeded two-moons points), ``workloads`` (W1..W4, written once for both
engines), ``worker`` (one measurement in a child process), ``report``
(tables), ``run`` (the command line), ``profile_w3`` (cProfile of a W3 step).
"""
