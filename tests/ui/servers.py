"""Running `litekube ui` as a user does, in its own process, and reading the URL it prints."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """`python cli.py --db DB ui --port 0 ...`, started; `url` is what it printed."""

    def __init__(self, db: Path, *args: str, timeout: float = 60) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--db", str(db), "ui", "--port", "0",
                                      *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.printed: list[str] = []
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True).start()
        deadline = time.monotonic() + timeout
        self.url = ""
        while not self.url:
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"litekube ui did not print its URL: {self.printed}")
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"litekube ui exited: {self.printed} {self.proc.stderr.read()}") from None
                continue
            self.printed.append(line)
            if line.strip().startswith("http://"):
                self.url = line.strip()

    @property
    def base(self) -> str:
        return self.url.split("/?")[0]

    @property
    def token(self) -> str:
        return self.url.split("token=")[1]

    def stop(self, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
