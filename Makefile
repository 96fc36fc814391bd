# make test / make demo / make bench work on a fresh machine with only python3:
# each creates .venv when missing and installs the package with its extras.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test demo bench lint typecheck clean chromium poppler

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

test: lint typecheck chromium poppler
	$(PY) -m pytest

# Debian's chromium, for the headless-browser test of the step-through player
# (tests/test_step_browser.py). Installed non-interactively when missing and
# root (as in CI); otherwise a loud warning, and that test is skipped.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make: installing Debian's chromium (apt-get) for the step-through browser test"; \
	  ok=; for attempt in 1 2 3; do \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      chromium >/dev/null && { ok=1; break; }; \
	    echo "make: apt-get install chromium failed (attempt $$attempt of 3)"; sleep 10; \
	  done; \
	  [ -n "$$ok" ] || { echo "make: apt-get install chromium FAILED"; exit 1; }; \
	else \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! chromium is NOT installed and cannot be (not root, or no apt-get):     !!!"; \
	  echo "!!! the step-through player will NOT be tested in a browser (test skipped). !!!"; \
	  echo "!!! Install it: sudo apt-get install chromium                               !!!"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# Debian's poppler-utils (pdftoppm, pdftotext, pdffonts), for the PDF tests
# (tests/test_pdf.py: the PDF rendered back to PNG, its text and its fonts).
# Installed non-interactively when missing and root (as in CI); otherwise a
# loud warning, and those checks are skipped.
poppler:
	@if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	    && command -v pdffonts >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make: installing Debian's poppler-utils (apt-get) for the PDF tests"; \
	  ok=; for attempt in 1 2 3; do \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      poppler-utils >/dev/null && { ok=1; break; }; \
	    echo "make: apt-get install poppler-utils failed (attempt $$attempt of 3)"; sleep 10; \
	  done; \
	  [ -n "$$ok" ] || { echo "make: apt-get install poppler-utils FAILED"; exit 1; }; \
	else \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! poppler-utils is NOT installed and cannot be (not root, or no apt-get): !!!"; \
	  echo "!!! PDFs will NOT be rendered back and read (pdftoppm, pdftotext, pdffonts  !!!"; \
	  echo "!!! checks skipped).  Install it: sudo apt-get install poppler-utils        !!!"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

demo: $(STAMP)
	$(PY) -m autograd demo

# make bench ARGS="--quick" (or --runs N, --workloads W1,W3, --markdown, --json F)
bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
