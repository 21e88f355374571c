"""Relais: relays MSSS communications, summarised in French, into the coalition's Discord."""

__version__ = "0.1.0"
