"""The weekly self-contained HTML trend report."""
