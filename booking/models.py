"""Models arrive with their issue; the app is wired so its migrations run per clinic."""
