"""Stance: claim detection, stance head, argument grouping."""
