# Elief: one image for the web server, the Celery worker and Celery beat
# (scripts/docker-entrypoint picks the role; see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    # Use the image's Python, never a downloaded one; compile .pyc once at build time.
    UV_PYTHON=python3.12 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# Same uv version as the Makefile's local tool install.
RUN pip install --no-cache-dir uv==0.13.9

RUN groupadd --system elief \
    && useradd --system --gid elief --home-dir /app --no-create-home --shell /usr/sbin/nologin elief

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY . .

# The key below only lets settings load for collectstatic; it never reaches a running
# container (compose requires a real SECRET_KEY). DATABASE_URL is unset here, which is
# fine: collectstatic does not touch the database.
# Static files stay root-owned (read-only for the app); only var/ and var/celery
# (beat schedule) must be writable by the app user.
RUN SECRET_KEY=build-only-not-secret-used-for-collectstatic-only \
        python manage.py collectstatic --noinput \
    && mkdir -p var/celery \
    && chown elief:elief var var/celery

USER elief
EXPOSE 8000
ENTRYPOINT ["/app/scripts/docker-entrypoint"]
CMD ["web"]
