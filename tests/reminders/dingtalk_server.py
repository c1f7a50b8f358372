"""A local stand-in for DingTalk's custom-robot webhook that checks each request the way DingTalk documents it.

    with dingtalk_server() as robot:                  # http://127.0.0.1:<random port>/robot/send?access_token=…
        TeamRobotFactory(team=team, webhook_url=robot.url, secret=robot.secret)
        … send …
        assert robot.received == [{"msgtype": "markdown", "markdown": {…}}]

What it checks (DingTalk's "自定义机器人安全设置 → 加签"): a POST of JSON to the path with the robot's access_token,
`timestamp` in milliseconds no more than an hour away from the server's clock, and `sign` equal to
Base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")) once URL-decoded. It answers as DingTalk does: HTTP 200
with {"errcode": 0, "errmsg": "ok"} for a message it takes, and an errcode (310000 for a wrong signature or
timestamp, 300001 for a wrong token, 400… for a malformed body) for one it refuses.

Misbehaving on purpose: `status` (an HTTP status to answer instead, e.g. 500), `errcode` (a refusal to answer),
`delay` (seconds to wait before reading a request: a request still unread when its sender dies was never delivered,
as with the real server). `received` holds the bodies of the messages it took, in order; `rejected` the refusals.

The server runs in a thread of the test process, so a worker in another process reaches it too (its URL is local).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/robot/send"
TOKEN = "local-test-token-0123456789abcdef"
SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
TIMESTAMP_TOLERANCE_MS = 60 * 60 * 1000  # DingTalk: "与请求调用时间误差不能超过1小时"


@dataclass
class DingTalkServer:
    url: str
    secret: str = SECRET
    token: str = TOKEN
    received: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    status: int | None = None  # answer this HTTP status instead of DingTalk's JSON
    errcode: int | None = None  # refuse every message with this errcode
    delay: float = 0.0  # seconds before reading a request
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def expected_sign(self, timestamp: str) -> str:
        digest = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def judge(self, path: str, query: dict[str, list[str]], body: bytes) -> tuple[int, str]:
        """DingTalk's errcode and errmsg for a request."""
        if path != PATH or query.get("access_token") != [self.token]:
            return 300001, "token is not exist"
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not timestamp.isdigit() or abs(int(timestamp) - int(time.time() * 1000)) > TIMESTAMP_TOLERANCE_MS:
            return 310000, "invalid timestamp"
        if not hmac.compare_digest(sign, self.expected_sign(timestamp)):
            return 310000, "sign not match"
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400001, "invalid json"
        if message.get("msgtype") != "markdown" or not {"title", "text"} <= set(message.get("markdown") or {}):
            return 400002, "markdown needs title and text"
        if self.errcode is not None:
            return self.errcode, "refused on purpose"
        return 0, "ok"


def _handler(server: DingTalkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if server.delay:
                time.sleep(server.delay)  # before reading: the sender is still waiting for an answer
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if server.status is not None:
                self._answer(server.status, b"server error")
                return
            parts = urlsplit(self.path)
            errcode, errmsg = server.judge(parts.path, parse_qs(parts.query), body)
            with server.lock:
                if errcode == 0:
                    server.received.append(json.loads(body))
                else:
                    server.rejected.append({"errcode": errcode, "errmsg": errmsg, "path": self.path})
            self._answer(200, json.dumps({"errcode": errcode, "errmsg": errmsg}).encode(), "application/json")

        def _answer(self, status: int, payload: bytes, content_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

    return Handler


@contextlib.contextmanager
def dingtalk_server(*, secret: str = SECRET, token: str = TOKEN) -> Iterator[DingTalkServer]:
    """A running server on 127.0.0.1 and a random port, stopped on leaving the block."""
    robot = DingTalkServer(url="", secret=secret, token=token)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(robot))
    httpd.daemon_threads = True
    robot.url = f"http://127.0.0.1:{httpd.server_address[1]}{PATH}?access_token={token}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield robot
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
