"""The HTTP listener Relais serves on: health, metrics, calendars (ICS)."""
