"""Reusable widgets: the virtual lead table, the score gauge, highlighted documents."""
