"""Routes of the WhatsApp booking bot (filled in by its issue)."""

urlpatterns: list = []
