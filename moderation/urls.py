"""The workspace pages (/moderate/) and the moderation API (/api/v1/moderation/)."""

from django.urls import path

from moderation import api, views

app_name = "moderate"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("login/", views.login_view, name="login"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("next/", views.next_view, name="next"),
    path("counts/", views.counts_view, name="counts"),
    path("stories/<str:story_id>/", views.story_view, name="story"),
    path("stories/<str:story_id>/decide/", views.decide_view, name="decide"),
    path("stories/<str:story_id>/skip/", views.skip_view, name="skip"),
    path("stories/<str:story_id>/renew/", views.renew_view, name="renew"),
    path("stories/<str:story_id>/urgency/", views.urgency_view, name="urgency"),
    path("break/", views.break_view, name="break"),
    path("clusters/", views.clusters_view, name="clusters"),
    path("published/", views.published_view, name="published"),
    path("metrics/", views.metrics_view, name="metrics"),
    path("wall/", views.walls_view, name="walls"),
    path("operations/", views.operations_view, name="operations"),
    path("team/", views.team_view, name="team"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("tokens/", views.tokens_view, name="tokens"),
]

api_urlpatterns = [
    path("queue/", api.QueueApi.as_view(), name="queue"),
    path("queue/counts/", api.QueueCountsApi.as_view(), name="queue-counts"),
    path("stories/<str:story_id>/", api.StoryApi.as_view(), name="story"),
    path("stories/<str:story_id>/claim/", api.ClaimApi.as_view(), name="claim"),
    path("stories/<str:story_id>/redact/", api.RedactApi.as_view(), name="redact"),
    path("stories/<str:story_id>/decision/", api.DecisionApi.as_view(), name="decision"),
    path("stories/<str:story_id>/unpublish/", api.UnpublishApi.as_view(), name="unpublish"),
    path("stories/<str:story_id>/urgency/", api.UrgencyApi.as_view(), name="urgency"),
    path("clusters/<str:cluster>/reject/", api.ClusterRejectApi.as_view(), name="cluster-reject"),
    path("token/revoke/", api.TokenRevokeApi.as_view(), name="token-revoke"),
]
