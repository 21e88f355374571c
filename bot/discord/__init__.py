"""The Discord adapter: the only package under bot/ that imports discord.py."""
