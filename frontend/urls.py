from django.urls import path

from frontend import numbers, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("tell/", views.tell, name="tell"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/saved/", views.receipt_saved, name="receipt_saved"),
    path("help/", views.resources, name="resources"),
    path("anonymity/", views.anonymity, name="anonymity"),
    path("numbers/", numbers.numbers, name="numbers"),
    path("numbers/untold-numbers.json", numbers.numbers_json, name="numbers-json"),
    path("numbers/untold-numbers.csv", numbers.numbers_csv, name="numbers-csv"),
    path(
        "numbers/untold-numbers-dictionary.csv",
        numbers.numbers_dictionary_csv,
        name="numbers-dictionary",
    ),
]
