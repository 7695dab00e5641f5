"""Pages of the call agent (included at ``/calls/``)."""

from django.urls import path

from calls.views import simulator_page

urlpatterns = [
    path("simulator/<str:call_sid>/", simulator_page, name="calls-simulator-page"),
]
