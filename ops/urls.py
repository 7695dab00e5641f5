from django.urls import path

from ops.views import metrics, ready

urlpatterns = [
    path("metrics", metrics, name="metrics"),
    path("ready", ready, name="ready"),
]
