"""Django's users and groups in the admin, with unfold's forms, for the platform operator only.

``django.contrib.auth.admin`` is imported first so its registrations exist whatever the app order
of the admin autodiscovery, then replaced.
"""

from __future__ import annotations

import django.contrib.auth.admin  # noqa: F401 - registers User and Group, replaced below
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from clinics.admin import PlatformOnlyAdmin

admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class UserAdmin(BaseUserAdmin, PlatformOnlyAdmin):
    """Django accounts: the operator's, clinic staff's (with their clinic memberships on the clinic's
    page) and the sign-in accounts behind clinic users."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, PlatformOnlyAdmin):
    pass
