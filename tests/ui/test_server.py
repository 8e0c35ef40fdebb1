"""`litekube ui` as a process: it prints a URL that answers, wants its token, and stops cleanly on Ctrl-C."""
from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys

from tests.ui.servers import ROOT, Server


def get(server: Server, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    host, port = server.base.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def test_serve_print_answer_and_stop(cluster_db):
    server = Server(cluster_db)
    try:
        assert server.printed[0] == f"litekube ui: serving {cluster_db}\n"
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{48}", server.url)
        assert get(server, "/").status == 403
        login = get(server, f"/?token={server.token}")
        assert login.status == 302
        cookie = login.getheader("set-cookie").split(";")[0]
        page = get(server, "/", {"Cookie": cookie})
        assert page.status == 200 and b"litekube" in page.body
        steps = json.loads(get(server, "/api/steps", {"Cookie": cookie}).body)
        assert steps["steps"][-1][0] == steps["head"]
    finally:
        code = server.stop()
    assert code == 0
    assert "Traceback" not in server.proc.stderr.read()


def test_a_port_in_use_is_a_one_line_error(cluster_db):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--db", str(cluster_db), "ui", "--port",
                                 str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
