"""The one thing pyproject.toml cannot say: the optional C extension core._speedups (docs/scale.md).

optional=True: on a machine without a C compiler `pip install` still succeeds and Deedbook runs the
same hashing in Python (core/eip712.py falls back when the module is absent)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("core._speedups", ["core/_speedups.c"], optional=True)])
