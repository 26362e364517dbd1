from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("tell/", views.tell, name="tell"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/saved/", views.receipt_saved, name="receipt_saved"),
    path("help/", views.resources, name="resources"),
    path("anonymity/", views.anonymity, name="anonymity"),
]
