FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY testimony testimony
COPY moderation moderation
COPY frontend frontend
COPY locale locale
COPY manage.py ./
# Throw-away secrets for the build steps only: the real ones come from the environment.
RUN pip install --no-cache-dir . \
 && export SECRET_KEY=build-only RECEIPT_KEYS=build:build-only \
 && python manage.py compile_translations \
 && python manage.py collectstatic --noinput
# The static volume of the compose stack starts as a copy of var/static: the migrate
# service (user untold) refreshes it with collectstatic on every deploy.
# The keystore's mount point, owned by untold with mode 0700: a new named volume copies both.
RUN useradd --system untold && mkdir -p var /run/untold/keystore \
 && chown -R untold var /run/untold/keystore && chmod 0700 /run/untold/keystore
USER untold
EXPOSE 8000
