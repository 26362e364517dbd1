from django.urls import path

from figures import api

urlpatterns = [path("statistics/", api.StatisticsApi.as_view(), name="api-statistics")]
