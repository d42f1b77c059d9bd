# Thin aliases for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test bench bundle
run:
	python3 dev.py run
test:
	python3 dev.py test
bench:
	python3 dev.py bench
bundle:
	python3 dev.py bundle
