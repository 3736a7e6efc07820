"""Analytics: categories, AI skills, pay, moving averages and event deltas."""
