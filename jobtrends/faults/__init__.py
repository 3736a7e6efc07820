"""`jobtrends bench faults`: the issue-17 fault table replayed against real processes, real
files and a local HTTP server. One probe per file in cases/ (a new probe is a new file)."""
