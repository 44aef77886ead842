"""framing: annotate source perspective, framing and certainty in news and policy texts."""

__version__ = "0.1.0"
