"""Servicing fractional owners: record-date snapshots, distributions split pro rata, holders' votes.

The entry kinds are core/kinds/distribution.py and core/kinds/vote.py; the rules they share
(the split, the snapshot at a record date, the tally) live here so that the ledger, `verify`,
the statements' offline check and the front ends all compute them with the same code.
"""
