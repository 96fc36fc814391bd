"""chainrule's benchmark against micrograd 0.1.0 (issue 2, item 7).

``python bench/run.py`` (or ``make bench``) runs each workload in a fresh
process per run, engines interleaved, and prints medians and ratios.

Modules: ``engines`` (the two engines behind one small interface), ``data``
(seeded two-moons points), ``workloads`` (W1..W4, written once for both
engines), ``cases`` (the sizes of each scale), ``worker`` (one measurement in
a child process), ``interpreters`` (``--python 3.11,3.13``: finding each
version and its virtual environment), ``report`` (tables and targets), ``run``
(the command line), ``compare`` (two versions of chainrule against each other,
timed or by instruction counts), ``callgrind`` (instruction counts of a
workload's measured region with valgrind), ``profile_w3`` (cProfile of a W3
step). ``bench/README.md`` says how to use them.
"""
