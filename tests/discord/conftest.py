"""The Discord adapter's tests reuse the end-to-end fixtures (fake Discord, harness)."""

from tests.e2e.conftest import fake_discord, relais

__all__ = ["fake_discord", "relais"]
