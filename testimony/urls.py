from django.urls import path

from testimony import api

urlpatterns = [
    path("stories/", api.StoryCreateApi.as_view(), name="api-story-create"),
    path("challenge/", api.ChallengeApi.as_view(), name="api-challenge"),
    path("receipts/status/", api.ReceiptStatusApi.as_view(), name="api-receipt-status"),
    path("receipts/withdraw/", api.ReceiptWithdrawApi.as_view(), name="api-receipt-withdraw"),
]
