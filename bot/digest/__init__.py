"""The weekly digest: ``weekly`` gathers the week (communications, coming meetings and
deadlines, what nobody took) and builds its posts. ``AnnouncementService`` posts it on its
cron (``[digest]`` in relais.toml)."""
