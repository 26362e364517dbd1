from moderation import screening_admin  # noqa: F401  (the screening lists' admin)
