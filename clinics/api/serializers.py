from rest_framework import serializers


class UsageQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, default=30, help_text="Period in days, 1-366.")


class ServiceUsageSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    total_duration_seconds = serializers.FloatField()


class UsageServicesSerializer(serializers.Serializer):
    transcription = ServiceUsageSerializer()
    whatsapp = ServiceUsageSerializer()
    agent_call = ServiceUsageSerializer()


class UsageOutputSerializer(serializers.Serializer):
    client_id = serializers.CharField()
    period_days = serializers.IntegerField()
    services = UsageServicesSerializer()


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
