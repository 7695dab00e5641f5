"""Routes of the call agent (included at ``/v1/``)."""

from django.urls import path

from calls.api.views import (
    AgentCallCancelApi,
    AgentCallCreateApi,
    AgentCallDetailApi,
    AgentCallListApi,
    AgentCallSettingsApi,
    TwilioCallAnswerApi,
    TwilioCallStatusApi,
)

urlpatterns = [
    path("agent-call", AgentCallCreateApi.as_view(), name="agent-call"),
    path("agent-calls", AgentCallListApi.as_view(), name="agent-calls"),
    path("agent-call/settings", AgentCallSettingsApi.as_view(), name="agent-call-settings"),
    path("agent-call/<str:call_sid>", AgentCallDetailApi.as_view(), name="agent-call-detail"),
    path("agent-call/<str:call_sid>/cancel", AgentCallCancelApi.as_view(), name="agent-call-cancel"),
    path("agent-call/twilio/answer/<slug:client_id>/<str:call_sid>", TwilioCallAnswerApi.as_view(),
         name="agent-call-twilio-answer"),
    path("agent-call/twilio/status/<slug:client_id>/<str:call_sid>", TwilioCallStatusApi.as_view(),
         name="agent-call-twilio-status"),
]
