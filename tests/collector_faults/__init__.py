"""Fault probes of the collector (issue 17), one per file, each against a real local HTTP
server (tests/feedserver.py), real processes or real files: a new probe is a new file."""
