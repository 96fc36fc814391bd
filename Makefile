# make test / make demo / make bench work on a fresh machine with only python3:
# each creates .venv when missing and installs the package with its extras.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test check demo bench compare lint typecheck clean chromium torch pythons poppler \
	valgrind gallery

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check autograd nn tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The suite on every core, at most 4 (the browser, kernel and server tests
# start processes of their own).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

test: lint typecheck chromium torch poppler valgrind
	$(PY) -m pytest -n $(JOBS)
	$(MAKE) --no-print-directory pythons

# The fast loop while coding: lint, types and the engine and nn tests (~1 min).
check: lint typecheck
	$(PY) -m pytest -q $(CORE_TESTS)

# The engine and nn tests, the ones whose numbers depend on the Python version
# (float sums are compensated from 3.12 on), on the oldest and newest Python
# we support besides the main one. Each gets its own virtual environment.
CORE_TESTS := tests/test_engine.py tests/test_ops.py tests/test_conventions.py \
	tests/test_grad.py tests/test_modes.py tests/test_assign.py tests/test_syntax.py \
	tests/test_one_walk.py tests/test_interrupts.py tests/test_w3_reference.py \
	tests/test_layers.py tests/test_zero_safe.py tests/test_symbolic.py tests/test_nn_modules.py tests/test_losses.py tests/test_optim.py \
	tests/test_schedulers.py tests/test_serialize.py tests/test_data.py tests/test_construct.py \
	tests/test_layer_values.py
OTHER_PYTHONS := 3.10 3.13
pythons:
	@for v in $(OTHER_PYTHONS); do \
	  exe=; for c in $$(command -v python$$v) \
	      $$(ls -d $$HOME/.pyenv/versions/$$v.*/bin/python 2>/dev/null | sort -V -r); do \
	    if [ "$$($$c -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" \
	        = "$$v" ]; then exe=$$c; break; fi; \
	  done; \
	  if [ -z "$$exe" ]; then \
	    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	    echo "!!! Python $$v NOT FOUND (no python$$v on PATH that runs, none in ~/.pyenv):  !!!"; \
	    echo "!!! the engine and nn tests were NOT run on Python $$v.                        !!!"; \
	    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	    continue; \
	  fi; \
	  venv=.venv-$$v; \
	  if [ ! -f $$venv/.installed ] || [ pyproject.toml -nt $$venv/.installed ]; then \
	    $$exe -m venv $$venv && $$venv/bin/python -m pip install --quiet --upgrade pip && \
	    $$venv/bin/python -m pip install --quiet -e ".[testing,sympy]" pytest numpy micrograd==0.1.0 && \
	    touch $$venv/.installed || exit 1; \
	  fi; \
	  echo "== the engine and nn tests on $$($$venv/bin/python -V)"; \
	  $$venv/bin/python -m pytest -q -p no:cacheprovider $(CORE_TESTS) || exit 1; \
	done

# PyTorch (CPU) for the bridge's tests only (tests/test_torch_bridge.py): it is the
# optional extra chainrule[torch], never a runtime dependency. The exact pin takes
# this machine's local CPU wheel (about 40 s); 3 tries, else make test fails loudly.
TORCH_VERSION := 2.13.0
torch: $(STAMP)
	@if $(PY) -c "import importlib.metadata as m, sys; \
	    sys.exit(m.version('torch').split('+')[0] != '$(TORCH_VERSION)')" 2>/dev/null; then :; \
	else \
	  echo "make: installing torch==$(TORCH_VERSION) (CPU) for the PyTorch bridge tests"; \
	  ok=; for attempt in 1 2 3; do \
	    $(PY) -m pip install --quiet "torch==$(TORCH_VERSION)" && { ok=1; break; }; \
	    echo "make: pip install torch==$(TORCH_VERSION) failed (attempt $$attempt of 3)"; \
	    sleep 10; \
	  done; \
	  [ -n "$$ok" ] || { echo "make: pip install torch FAILED: the bridge is untestable"; \
	    exit 1; }; \
	fi

# Debian's chromium, for the headless-browser test of the step-through player
# (tests/test_step_browser.py). Installed non-interactively when missing and
# root (as in CI); otherwise a loud warning, and that test is skipped.
chromium:
	@.ci/apt-need chromium "the step-through browser tests" \
	  "the player and the notebooks will NOT be tested in a browser (tests skipped)." chromium

# Debian's poppler-utils (pdftoppm, pdftotext, pdffonts), for the PDF tests
# (tests/test_pdf.py: the PDF rendered back to PNG, its text and its fonts).
# Installed non-interactively when missing and root (as in CI); otherwise a
# loud warning, and those checks are skipped.
poppler:
	@.ci/apt-need poppler-utils "the PDF tests" \
	  "PDFs will NOT be rendered back and read (pdftoppm, pdftotext, pdffonts checks skipped)." \
	  pdftoppm pdftotext pdffonts

# valgrind, for the test of bench/compare.py's instruction counts
# (tests/test_bench_smoke.py). Installed non-interactively when missing and root
# (as in CI); otherwise a loud warning, and that test is skipped.
valgrind:
	@.ci/apt-need valgrind "the instruction-count test" \
	  "bench/compare.py --callgrind will NOT be tested (test skipped)." valgrind

demo: $(STAMP)
	$(PY) -m autograd demo

# docs/gallery/: every graph of the course at slide size (forward, backward, both) and the
# neuron stepped through; tests/test_gallery.py keeps their DOT as golden files.
gallery: $(STAMP)
	$(PY) docs/gallery/build.py

# make bench: W1-W4 against micrograd 0.1.0, W3 and its frozen control on each of
# BENCH_PYTHONS (each gets a .venv-bench-3.X when needed). ~10 min on 2 cores.
# make bench ARGS="--quick" (or --runs N, --workloads W1,W3, --markdown, --json F)
BENCH_PYTHONS ?= 3.11,3.13
bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/run.py --python $(BENCH_PYTHONS) $(ARGS)

# make compare BASELINE=main (a git revision or a checkout's directory): this
# working tree against it on W1-W4, interleaved; ARGS="--callgrind" counts
# instructions instead (see bench/compare.py).
BASELINE ?= HEAD
compare: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/compare.py --baseline $(BASELINE) $(ARGS)

clean:
	rm -rf $(VENV) .venv-3.* .venv-bench-* build *.egg-info .pytest_cache .mypy_cache .ruff_cache
