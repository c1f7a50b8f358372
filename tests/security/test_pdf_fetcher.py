"""While WeasyPrint renders a PDF it reads the project's static files and nothing else: no http(s), no file: outside
them, no path climbing out of the static folders (huhang/pdf_fetching.py). A local HTTP server records every request
it gets, so "not fetched" is observed, not assumed; the same page through WeasyPrint's own fetcher does reach it."""

import copy
import http.server
import io
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import HTML

from huhang.pdf_fetching import BASE_URL, RefusedURL, StaticFilesFetcher
from plans.pdf import plan_pdf
from reports.exporting.pdf import write_pdf
from tests.factories import approved_plan
from tests.reports.export_samples import sample_document

STYLESHEET = Path(django_settings.BASE_DIR) / "static" / "css" / "huhang.css"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):
        self.hits.append(self.path)
        css = self.path.endswith(".css")
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if css else "image/png")
        self.end_headers()
        self.wfile.write(b"p { color: red }" if css else PNG)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local web server on a free port; `server.hits` lists the paths it was asked for."""
    handler = type("Recorder", (_Recorder,), {"hits": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.hits = handler.hits
    httpd.origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def hostile_html(origin: str) -> str:
    return f"""<html><head>
      <link rel="stylesheet" href="{origin}/style.css">
      <style>@import url("{origin}/imported.css"); body {{ background: url("{origin}/background.png"); }}</style>
    </head><body>
      <p>外部资源</p>
      <img src="{origin}/tracker.png">
      <img src="http://localhost:{origin.rsplit(":", 1)[1]}/by-name.png">
      <img src="file:///etc/passwd">
      <object data="file:///etc/hostname"></object>
      <img src="/static/../../../../etc/passwd">
      <img src="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd">
    </body></html>"""


def test_weasyprints_own_fetcher_would_reach_the_server(server):
    """The control: the page's references are live, so the fetcher's silence below means something."""
    HTML(string=hostile_html(server.origin)).write_pdf()
    assert {"/style.css", "/imported.css", "/background.png", "/tracker.png", "/by-name.png"} <= set(server.hits)


def test_a_page_with_remote_and_local_file_references_renders_without_fetching_them(server):
    pdf = HTML(string=hostile_html(server.origin), base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert server.hits == []


def fetched(url: str) -> bytes:
    response = StaticFilesFetcher().fetch(url)
    try:
        return response.read()
    finally:
        response.close()


def test_the_projects_static_files_are_read():
    assert fetched(BASE_URL + "static/css/huhang.css") == STYLESHEET.read_bytes()


def test_collected_static_files_are_read_from_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print.3f2a1b.css").write_text("p { color: #333 }")  # a hashed name only STATIC_ROOT holds
    assert fetched(BASE_URL + "static/css/print.3f2a1b.css") == b"p { color: #333 }"


def test_data_urls_are_decoded_in_memory():
    assert fetched("data:text/plain;base64,5oqk6Iiq") == "护航".encode()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/a.png",
        "https://example.com/static/css/huhang.css",
        "ftp://127.0.0.1/a",
        "file:///etc/passwd",
        f"file://{STYLESHEET}",  # a static file, but named by its path: only the static URL is served
        BASE_URL + "etc/passwd",  # the static host outside STATIC_URL
        BASE_URL + "static/../../../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "static/css/missing.css",
        BASE_URL + "static/",
        "http://static.huhang.invalid/static/css/huhang.css",  # the right host over another scheme
    ],
)
def test_every_other_url_is_refused(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


@pytest.fixture
def hostile_templates(settings, tmp_path, server):
    """The PDF templates replaced, for this test, by pages that reference the recording server and the disk."""
    for name in ("plans/pdf.html", "reports/pdf/report.html"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hostile_html(server.origin))
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    assert "外部资源" in render_to_string("plans/pdf.html")  # the renderers will use these pages
    return server


@pytest.mark.django_db
def test_the_printed_plan_fetches_nothing(hostile_templates, unit):
    version = approved_plan(unit).versions.get()
    assert plan_pdf(version=version).startswith(b"%PDF")
    assert hostile_templates.hits == []


def test_the_report_pdf_fetches_nothing(hostile_templates):
    assert write_pdf(sample_document()).startswith(b"%PDF")
    assert hostile_templates.hits == []
