"""Headless Chromium over the Chrome DevTools Protocol (websockets): load a page, run JS, take screenshots.

Used by the browser tests of the preview page and the HTML report, and by `humanoid-lmm preview
--screenshot`. Software WebGL (SwiftShader), no GPU, no network, a fresh profile per browser.

    with HeadlessChromium(width=1024, height=768) as browser:
        page = browser.open("http://127.0.0.1:8080")
        page.wait_for("document.querySelector('canvas') !== null")
        rgb = page.screenshot()            # (H, W, 3) uint8
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import numpy as np

from humanoid_lmm.errors import HumanoidLMMError

__all__ = ["BrowserError", "HeadlessChromium", "Page", "chromium_binary"]

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic",
         "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0")


class BrowserError(HumanoidLMMError):
    """Chromium missing, not starting, or a page that never got ready."""


def chromium_binary() -> str:
    """Path of the Chromium executable ($CHROMIUM, else chromium / chromium-browser / google-chrome on PATH)."""
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) if name else None
        if path:
            return path
    raise BrowserError("no Chromium found: install it (scripts/install.sh installs Debian chromium) or set $CHROMIUM")


class Page:
    """One browser tab, driven through its DevTools websocket."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self._ws = connect(ws_url, max_size=None, open_timeout=10)
        self._ids = itertools.count(1)

    def call(self, method: str, timeout: float = 30.0, **params) -> dict:
        """Send one CDP command and return its result (events received meanwhile are dropped)."""
        i = next(self._ids)
        self._ws.send(json.dumps({"id": i, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self._ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == i:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def navigate(self, url: str) -> None:
        self.call("Page.enable")
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str):
        """Value of a JavaScript expression (JSON-serialisable results only)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise BrowserError(f"JS error in {expression[:60]!r}: {r['exceptionDetails'].get('text')}")
        return r.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, poll: float = 0.25):
        """Poll until the JS expression is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None  # page still loading
            if value:
                return value
            time.sleep(poll)
        raise BrowserError(f"page not ready after {timeout:.0f} s: {expression[:80]!r} stayed false")

    def screenshot(self, full_page: bool = False) -> np.ndarray:
        """(H, W, 3) uint8 RGB of the viewport (or the whole document with `full_page`)."""
        from PIL import Image

        params = {"format": "png"}
        if full_page:
            w, h = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": w, "height": h, "scale": 1})
        data = base64.b64decode(self.call("Page.captureScreenshot", timeout=60.0, **params)["data"])
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))

    def close(self) -> None:
        self._ws.close()


class HeadlessChromium:
    """A private headless Chromium process (its own temporary profile), stopped by `close()`."""

    def __init__(self, width: int = 1280, height: int = 900, binary: str | None = None, start_timeout: float = 30.0):
        self._profile = tempfile.mkdtemp(prefix="humanoid_lmm_chromium_")
        argv = [binary or chromium_binary(), *FLAGS, f"--user-data-dir={self._profile}",
                f"--window-size={width},{height}", "about:blank"]
        self._log = open(os.path.join(self._profile, "chromium.log"), "w")  # noqa: SIM115 - closed in close()
        self._proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True)
        self._port = self._devtools_port(start_timeout)
        self._pages: list[Page] = []

    def _devtools_port(self, timeout: float) -> int:
        """Chromium writes the port it chose (--remote-debugging-port=0) to <profile>/DevToolsActivePort."""
        marker = os.path.join(self._profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._proc.poll() is None:
            try:
                with open(marker) as f:
                    first = f.readline().strip()
                if first.isdigit():
                    return int(first)
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        self.close()
        raise BrowserError(f"Chromium did not start its DevTools endpoint within {timeout:.0f} s")

    def open(self, url: str) -> Page:
        """A page (the first tab) showing `url`."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self._port}/json/list", timeout=10) as r:
            targets = [t for t in json.load(r) if t.get("type") == "page"]
        if not targets:
            raise BrowserError("Chromium has no page target")
        page = Page(targets[0]["webSocketDebuggerUrl"])
        self._pages.append(page)
        page.navigate(url)
        return page

    def close(self) -> None:
        for page in getattr(self, "_pages", []):
            try:
                page.close()
            except Exception:  # noqa: BLE001 - the browser may already be gone
                pass
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> HeadlessChromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
