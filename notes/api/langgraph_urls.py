"""LangGraph Agent Server routes of the documentation workflow (included at ``/v1/lang-graph/``)."""

from django.urls import path

from notes.api import langgraph as views

urlpatterns = [
    path("threads", views.ThreadCreateApi.as_view(), name="langgraph-thread-create"),
    path("threads/<str:thread_id>", views.ThreadDetailApi.as_view(), name="langgraph-thread-detail"),
    path("threads/<str:thread_id>/state", views.ThreadStateApi.as_view(), name="langgraph-thread-state"),
    path("threads/<str:thread_id>/runs", views.RunsApi.as_view(), name="langgraph-runs"),
    path("threads/<str:thread_id>/runs/wait", views.RunWaitApi.as_view(), name="langgraph-run-wait"),
    path("threads/<str:thread_id>/runs/<str:run_id>", views.RunDetailApi.as_view(), name="langgraph-run-detail"),
    path("threads/<str:thread_id>/runs/<str:run_id>/join", views.RunJoinApi.as_view(), name="langgraph-run-join"),
    path("assistants/search", views.AssistantSearchApi.as_view(), name="langgraph-assistant-search"),
    path("assistants/<str:assistant_id>", views.AssistantDetailApi.as_view(), name="langgraph-assistant-detail"),
]
