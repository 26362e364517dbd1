"""The errors of review and account work. Each carries the HTTP status the workspace and the
API answer with, and a message in the user's language."""


class ReviewError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code


class Invalid(ReviewError):
    pass


class Forbidden(ReviewError):
    status = 403
    code = "forbidden"


class Missing(ReviewError):
    status = 404
    code = "not_found"


class Conflict(ReviewError):
    status = 409
    code = "conflict"
