# A slim production image: gunicorn with gunicorn.conf.py, as an unprivileged user.
# Build: docker build -t jira-web .
# Run:   docker run --env-file jira-web.env -p 5000:5000 jira-web   (docs/DEPLOYMENT.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=5000 \
    INSTANCE_PATH=/app/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/jira-web-metrics

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin jira-web

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY gunicorn.conf.py web_app.py ./
COPY jira_client/ jira_client/
COPY templates/ templates/
COPY static/ static/
RUN mkdir -p /app/instance && chown jira-web:jira-web /app/instance

USER jira-web
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '5000'), timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "web_app:create_app()"]
