"""URL configuration: the API surfaces, OpenAPI docs, admin and health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dashboard.views import root as dashboard_root
from medsync.health import health
from transcription.views_live import live_demo

urlpatterns = [
    path("health", health, name="health"),
    path("", include("ops.urls")),  # /metrics, /ready
    path("v1/", include("clinics.api.urls")),
    path("v1/", include("transcription.api.urls")),
    path("v1/", include("booking.api.urls")),
    path("v1/", include("notes.api.urls")),
    path("v1/lang-graph/", include("notes.api.langgraph_urls")),  # documentation workflow, LangGraph protocol
    path("v1/", include("templates.api.urls")),
    # ChatMed API: before MediSync's "api/" so /api/v1/... (unknown paths included) is ChatMed's.
    path("api/v1/", include("chatmed.api.urls")),
    path("v1/", include("calls.api.urls")),
    path("api/", include("clinics.api.medisync_urls")),
    path("api/", include("records.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("live/", live_demo, name="live-demo"),
    path("calls/", include("calls.urls")),
    path("consult/", include("chatmed.consultations.urls")),  # ChatMed video join pages (issue 13)
    # Doctor dashboard: /app/... everywhere, and / of a clinic's host.
    path("app/", include("dashboard.urls")),
    path("", dashboard_root, name="dashboard-root"),
]

handler404 = "medsync.api.errors.json_404"
handler500 = "medsync.api.errors.json_500"
