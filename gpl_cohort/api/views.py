from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gpl_cohort.accounts.http import AuthenticatedRequest
from gpl_cohort.accounts.roles import roles_of


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    time_zone = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    contact_jurisdiction = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The person the request is authenticated as")
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        roles = roles_of(user)
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": user.time_zone,
            "roles": roles.names,
            "contact_jurisdiction": roles.jurisdiction_id,
        }
        return Response(MeSerializer(data).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.EmailField(help_text="Email address")
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ObtainAuthToken):
    """Trade an email address and password for an API token (send it as `Token <key>`)."""

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
