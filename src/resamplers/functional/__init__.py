"""Functional operators: every op takes a tensor ``(N, C, *spatial)`` or a NumPy array."""
