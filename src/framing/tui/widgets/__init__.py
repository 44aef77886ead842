"""Widgets of the annotation screen, one per module."""
