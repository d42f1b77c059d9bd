# Thin aliases for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test bench bundle typecheck lint
run:
	python3 dev.py run
test:
	python3 dev.py test
bench:
	python3 dev.py bench
bundle:
	python3 dev.py bundle
typecheck:
	python3 dev.py typecheck
lint:
	python3 dev.py lint
