"""The composition root: the `jobtrends` CLI and the always-on service wiring.

The only package that imports every stage (collector, warehouse, analytics, dashboards), the
only one that reads the environment, and the only one that asks the clock for "now".
"""

__version__ = "0.1.0"
