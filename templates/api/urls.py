from django.urls import path

from templates.api.views import TemplateDetailApi, TemplateListApi

urlpatterns = [
    path("templates", TemplateListApi.as_view(), name="templates"),
    path("templates/<str:key>", TemplateDetailApi.as_view(), name="template-detail"),
]
