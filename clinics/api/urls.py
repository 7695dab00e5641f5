from django.urls import path

from clinics.api.views import UsageApi

urlpatterns = [path("usage", UsageApi.as_view(), name="usage")]
