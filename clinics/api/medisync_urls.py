"""MediSync API (``/api/...``) routes of the clinics app: sign-in and subscription."""

from django.urls import path

from clinics.api.auth_views import LoginApi, SubscriptionApi

urlpatterns = [
    path("login", LoginApi.as_view(), name="medisync-login"),
    path("settings/subscription", SubscriptionApi.as_view(), name="medisync-subscription"),
]
