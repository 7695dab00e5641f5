"""MediSync API sign-in and subscription: ``POST /api/login``, ``GET /api/settings/subscription``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from clinics.selectors import subscription_summary
from clinics.services import SignInRateLimited, SignInRefused, clinic_user_sign_in
from medsync.api.errors import ApiError
from medsync.api.jwt import token_issue
from medsync.api.schema import UID_PARAMETER, MediSyncErrorSerializer
from medsync.api.surfaces import IsClinicUser, MediSyncApiView, UidMatchesToken
from medsync.api.views import RateLimited

class LoginApi(MediSyncApiView):
    """Sign in with e-mail and password; returns a Bearer token (JWT).

    The token lasts ``JWT_EXPIRES_MINUTES`` (default 8 hours), or ``JWT_REMEMBER_DAYS`` (default 30
    days) with ``remember``. Attempts are limited per e-mail and IP address (429 with ``Retry-After``).
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        remember = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        success = serializers.BooleanField()
        token = serializers.CharField()
        uid = serializers.CharField()
        userTitle = serializers.CharField()  # noqa: N815 - the seed's field names
        firstName = serializers.CharField()  # noqa: N815
        lastName = serializers.CharField()  # noqa: N815

    @extend_schema(
        operation_id="medisync_login",
        tags=["MediSync: authentication"],
        auth=[],
        request=InputSerializer,
        responses={200: OutputSerializer, 400: MediSyncErrorSerializer, 401: MediSyncErrorSerializer,
                   429: MediSyncErrorSerializer},
        examples=[
            OpenApiExample("Sign in", value={"email": "doctor@example.com", "password": "your_password",
                                             "remember": False}, request_only=True),
            OpenApiExample("Signed in", response_only=True, value={
                "success": True, "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...", "uid": "user_123456",
                "userTitle": "Dr.", "firstName": "John", "lastName": "Doe"}),
            OpenApiExample("Wrong password", response_only=True, status_codes=["401"],
                           value={"success": False, "error": "Invalid email or password"}),
        ],
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            clinic_user = clinic_user_sign_in(
                request=request._request, email=payload.validated_data["email"],
                password=payload.validated_data["password"], ip=request.META.get("REMOTE_ADDR", ""),
            )
        except SignInRateLimited as exc:
            self._rate_limit_headers = {"Retry-After": str(exc.retry_after)}
            raise RateLimited("Too many login attempts; try again later") from None
        except SignInRefused:
            raise ApiError("Invalid email or password", status.HTTP_401_UNAUTHORIZED) from None
        user = clinic_user.user
        token = token_issue(clinic_user=clinic_user, remember=payload.validated_data["remember"])
        return Response({
            "success": True, "token": token, "uid": clinic_user.uid, "userTitle": clinic_user.title,
            "firstName": user.first_name, "lastName": user.last_name,
        })


class SubscriptionSerializer(serializers.Serializer):
    plan = serializers.CharField()
    planName = serializers.CharField()  # noqa: N815 - the MediSync API's camelCase
    status = serializers.ChoiceField(choices=["trialing", "active", "past_due", "canceled"])
    active = serializers.BooleanField(help_text="Whether subscription features may be used now.")
    currentPeriodEnd = serializers.DateTimeField(allow_null=True)  # noqa: N815
    rateLimitPerMinute = serializers.IntegerField(help_text="Requests/minute per API key on this plan.")  # noqa: N815


class SubscriptionOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    uid = serializers.CharField()
    clinic = serializers.CharField()
    subscription = SubscriptionSerializer()


class SubscriptionApi(MediSyncApiView):
    """The signed-in user's clinic plan and subscription status (no active subscription needed)."""

    permission_classes = [IsClinicUser, UidMatchesToken]

    @extend_schema(
        operation_id="medisync_subscription",
        tags=["MediSync: authentication"],
        parameters=[UID_PARAMETER],
        responses={200: SubscriptionOutputSerializer, 401: MediSyncErrorSerializer, 403: MediSyncErrorSerializer,
                   429: MediSyncErrorSerializer},
        examples=[OpenApiExample("Active subscription", response_only=True, value={
            "success": True, "uid": "user_123456", "clinic": "dental-plus",
            "subscription": {"plan": "professional", "planName": "Professional", "status": "active",
                             "active": True, "currentPeriodEnd": None, "rateLimitPerMinute": 50}})],
    )
    def get(self, request):
        clinic = request.user.clinic
        return Response({"success": True, "uid": request.user.uid, "clinic": clinic.client_id,
                         "subscription": subscription_summary(clinic=clinic)})
