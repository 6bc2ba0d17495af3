"""Serializers every app's API shares."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """A refusal, said for the person who asked (one schema component for every app)."""

    detail = serializers.CharField()
