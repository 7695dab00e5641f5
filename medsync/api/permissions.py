"""Permission classes shared by the API surfaces."""

from __future__ import annotations

from rest_framework import exceptions, permissions


class HasClinic(permissions.BasePermission):
    """Allow only requests authenticated as a clinic (any surface's credential)."""

    message = "Missing API key"

    def has_permission(self, request, view) -> bool:
        principal = request.user
        if principal is None or getattr(principal, "clinic", None) is None:
            raise exceptions.NotAuthenticated(self.message)
        return True
