"""The parse baseline: read a store and parse it with PyPI's tomli, nothing else."""

import sys

import tomli

with open(sys.argv[1], "rb") as fh:
    tomli.load(fh)
