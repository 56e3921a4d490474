# From n-grams to ELMo: every command a reader, a teacher or CI needs.
# `make test` and `make book` set everything up themselves (venv, pinned requirements, package).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?=
space := $(subst ,, )
EXECUTE ?=
NOTEBOOKS := $(if $(NB),$(wildcard notebooks/$(NB)*.ipynb),$(sort $(wildcard notebooks/[0-9]*.ipynb)))
# Book: browser assets (MathJax 3, RequireJS, Jupyter widgets) come from the pinned npm packages of
# package.json/package-lock.json and are served by the book itself from _vendor/ (see _config.yml).
VENDOR := _vendor
VENDOR_STAMP := $(VENDOR)/.stamp
NPM_STAMP := node_modules/.package-lock.json
BOOK_EXECUTE := $(filter 1 yes true,$(EXECUTE))
BOOK_CONFIG := $(if $(BOOK_EXECUTE),_build/_config.execute.yml,_config.yml)

# Every run whose outputs are compared (nbval, make notebooks, the classroom edition, determinism)
# pins what would otherwise make a figure depend on the machine: the thread count, and, on x86-64
# processors with AVX2, the CPU kernels OpenBLAS (numpy, scipy, gensim), ATen, MKL and oneDNN pick
# (environments set OPENBLAS_CORETYPE differently; processors differ in AVX-512). MKL's only code
# branch that is the same on Intel and AMD processors is COMPATIBLE (its AVX2 branch exists on Intel
# only; on AMD MKL falls back to AUTO, and chapter 02's figures moved in the 4th digit between them). Both are ordinary
# settings of those libraries; a notebook run by hand in Jupyter uses whatever the machine has.
KERNEL_ENV := $(if $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo yes),\
	OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=COMPATIBLE ONEDNN_MAX_CPU_ISA=AVX2)
# TQDM_DISABLE=1: no progress bar is saved in (or compared from) a notebook's outputs.
CHECKED_ENV := env -u MPLBACKEND COURSE_THREADS=2 TQDM_DISABLE=1 $(KERNEL_ENV)

.PHONY: help install data test unit nbval classroom determinism pretrained book assets browser notebooks lab bench student grade clean

help:
	@echo "make test       prepare data, run unit tests and nbval over every notebook"
	@echo "make book       build the HTML book into _build/html (EXECUTE=1 re-executes notebooks)"
	@echo "make browser    open every page of the built book in headless Chromium and check it"
	@echo "make assets     vendor MathJax and the widget scripts from npm into _vendor/"
	@echo "make data       build the course corpus into data/"
	@echo "make notebooks  re-execute notebooks and save their outputs (NB=01 for one chapter)"
	@echo "make determinism two cold nbval runs of the notebooks (NB=06; PERTURB=blas or cpu)"
	@echo "make lab        open JupyterLab on the notebooks"
	@echo "make student    write the student edition of every chapter into _build/student (NB=01 for one)"
	@echo "make grade      grade submitted notebooks: make grade SUBMISSIONS=dir [GRADES=grades.csv] [GRADE_FLAGS='--timeout 300']"
	@echo "make pretrained remake every shipped artifact (course.pretrained) and verify them"
	@echo "make bench      run the benchmarks against peer libraries"
	@echo "make clean      remove build products (keeps .venv and data/)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt -c constraints.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

data: $(STAMP)
	$(BIN)/python -m course.data build

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow"

nbval: $(STAMP)
	@test -n "$(NOTEBOOKS)" || { echo "no notebook matches notebooks/$(NB)*.ipynb"; exit 1; }
	$(CHECKED_ENV) $(BIN)/python -m pytest -p no:randomly --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(NOTEBOOKS)

# The classroom edition of every chapter executed under nbval (only the stubbed exercises may fail)
# and chapter 00's graded; a few chapters only: `make classroom CHAPTERS="00_corpus 04_complexity"`.
CHAPTERS ?=
classroom: $(STAMP) data
	$(CHECKED_ENV) $(BIN)/python -m pytest -m slow tests/test_classroom.py -k "$(if $(CHAPTERS),$(subst $(space), or ,$(CHAPTERS)) or grade_chapter_00)"

test: data unit nbval classroom

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(VENDOR_STAMP): $(NPM_STAMP) book/js/widgets-setup.js
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/jupyter-widgets $(VENDOR)/licenses
	cp -R node_modules/mathjax/es5 $(VENDOR)/mathjax
	cp node_modules/requirejs/require.js $(VENDOR)/require.js
	cd node_modules/@jupyter-widgets/html-manager/dist && \
		cp embed-amd.js *.woff *.woff2 *.ttf *.eot *.svg $(CURDIR)/$(VENDOR)/jupyter-widgets/
	cp book/js/widgets-setup.js $(VENDOR)/jupyter-widgets/setup.js
	cp node_modules/mathjax/LICENSE $(VENDOR)/licenses/mathjax.txt
	cp node_modules/@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt \
		$(VENDOR)/licenses/jupyter-widgets-html-manager.txt
	@touch $@

assets: $(VENDOR_STAMP)

book: $(STAMP) $(VENDOR_STAMP)
	@mkdir -p _build
ifneq ($(BOOK_EXECUTE),)
	$(BIN)/python -c 'import sys, yaml; c = yaml.safe_load(open("_config.yml")); \
		c["execute"]["execute_notebooks"] = "force"; yaml.safe_dump(c, sys.stdout, sort_keys=False)' \
		> $(BOOK_CONFIG)
endif
	$(BIN)/jupyter-book build . --config $(BOOK_CONFIG) --all -W -n --keep-going
	@echo "Book built: open file://$(CURDIR)/_build/html/index.html"

browser: $(STAMP)
	$(BIN)/python -m pytest -p no:randomly -m browser tests/test_book_browser.py

notebooks: $(STAMP)
	$(CHECKED_ENV) $(BIN)/python -m course.base.notebooks execute $(NOTEBOOKS)

# Two cold nbval runs of each notebook, each compared with the stored outputs (same sanitizer and
# tags as `make nbval`); PERTURB=blas makes the second run pick another OpenBLAS kernel (environments
# differ in OPENBLAS_CORETYPE), PERTURB=cpu other torch and MKL kernels too, as another processor would;
# RUNS=1 runs one (CI: `make test` on the fresh clone was the other cold run).
PERTURB ?=
RUNS ?= 2
determinism: $(STAMP) data
	$(CHECKED_ENV) $(BIN)/python -m course.base.notebooks determinism --runs $(RUNS) $(if $(PERTURB),--perturb $(PERTURB)) $(NOTEBOOKS)

# Every shipped artifact of course.pretrained remade with its recorded command (see the README for the cost),
# in JOBS lanes side by side with one thread per command (JOBS=1: one after the other, recorded threads).
JOBS ?= 2
pretrained: $(STAMP) data
	$(BIN)/python -m course.pretrained make --all --jobs $(JOBS)
	$(BIN)/python -m course.pretrained verify

bench: $(STAMP) data
	$(BIN)/python benchmarks/word2vec_vs_gensim.py

STUDENT_DIR ?= _build/student
SUBMISSIONS ?=
GRADES ?= grades.csv
GRADE_FLAGS ?=

student: $(STAMP)
	$(BIN)/python -m course.classroom student --out $(STUDENT_DIR) $(NOTEBOOKS)

grade: data
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir [GRADES=grades.csv]" >&2; exit 2; }
	$(BIN)/python -m course.classroom grade "$(SUBMISSIONS)" --out "$(GRADES)" $(GRADE_FLAGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf _build .pytest_cache $(VENDOR)
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
