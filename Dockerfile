# The portal's image: the same image runs the web server (default CMD), the Celery worker, Celery beat and the
# one-shot migration (see docker-compose.yml). Static files and compiled translations are baked in at build time,
# so every web container serves exactly the same files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=huhang.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/huhang/media \
    BACKUP_DIR=/var/lib/huhang/backups

# gettext: compilemessages. Pango + HarfBuzz: WeasyPrint. WenQuanYi Micro Hei: Chinese glyphs in the PDFs.
# postgresql-client-16: pg_dump and pg_restore of `manage.py backup` and `restore` (docs/operations.md), from
# PostgreSQL's own repository (its key ships in postgresql-common) at the server's major version (docker-compose.yml:
# postgres:16), since pg_dump refuses a server newer than itself and Debian 12 has only 15.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-wqy-microhei \
        ca-certificates \
        postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

# The app runs unprivileged; its home holds fontconfig's cache.
RUN groupadd --system --gid 10001 huhang \
    && useradd --system --uid 10001 --gid huhang --create-home --home-dir /home/huhang \
        --shell /usr/sbin/nologin huhang

WORKDIR /app

# Dependencies first, from the runtime lock (`make lock`): exact versions, and pip refuses any file whose sha256 the
# lock does not name. This layer is only rebuilt when the lock changes; the code is deployed from source below.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.txt

# The source stays owned by root: the app user can read it, not change it.
COPY . .

# Build-only throwaway values: production settings refuse to load without them, and neither command connects to the
# database or the broker. `export` lasts for this RUN only: they are not kept in the image.
# `mkdir -p locale`: compilemessages fails when no locale directory exists at all.
RUN mkdir -p locale \
    && export SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only ALLOWED_HOSTS=build.invalid \
        DATABASE_URL=postgres://build:build@db.invalid:5432/build CELERY_BROKER_URL=redis://broker.invalid:6379/0 \
        CACHE_URL=redis://broker.invalid:6379/1 \
        FIELD_ENCRYPTION_KEYS=build:YnVpbGQtb25seS1rZXkhIQ== \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/huhang/media /var/lib/huhang/beat /var/lib/huhang/backups \
    && chown -R huhang:huhang /var/lib/huhang

# Uploaded files (confidential, served only through views that check the user's scope).
VOLUME ["/var/lib/huhang/media"]

USER huhang

EXPOSE 8000

# The Host header is the first ALLOWED_HOSTS entry (127.0.0.1 is not an allowed host in production);
# /healthz is exempt from the SSL redirect. Non-2xx (503 = database or broker down) raises, so the exit is 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = h if h not in ('', '*') else 'localhost'; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=8); sys.exit(0 if r.status == 200 else 1)"]

# gthread workers: threads absorb slow requests (PDF/Excel exports) without a process per request.
# --max-requests recycles workers now and then (memory held by WeasyPrint and openpyxl).
# Tunable without rebuilding: GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
CMD ["sh", "-c", "exec gunicorn huhang.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --worker-class gthread --threads ${GUNICORN_THREADS:-4} --timeout ${GUNICORN_TIMEOUT:-60} --graceful-timeout 30 --keep-alive 5 --max-requests 1000 --max-requests-jitter 100 --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
