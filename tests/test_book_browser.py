"""Checks of the built book: every page opened in headless Chromium with the network cut off.

Run after ``make book``::

    .venv/bin/python -m pytest -m browser tests/test_book_browser.py

The tests marked ``browser`` need ``_build/html`` (and Chromium for the page checks); without
them they are skipped with the reason, unless ``BOOK_CHECK_REQUIRED=1`` (set by ``.ci/run``)
turns the skip into a failure. ``test_toc_lists_every_notebook`` needs no build and runs with
the unit tests.

Chromium is driven through the Chrome DevTools Protocol (a websocket, ``websocket-client``):
that gives every network request with its host and status, JavaScript exceptions and console
errors, and lets the test wait until MathJax has typeset and the widgets are drawn before it
inspects the page. Name resolution is disabled for every host except the local server, so a
page that tries to reach a CDN fails here exactly as it would offline.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))  # override: check another build
SHOTS = HTML.parent / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NOT_PAGES = ("_static/", "_sources/", "_images/")


def _pages() -> list[str]:
    if not HTML.is_dir():
        return []
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).as_posix().startswith(NOT_PAGES)
    )


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("BOOK_CHECK_REQUIRED") == "1":
        pytest.fail(f"{reason} (BOOK_CHECK_REQUIRED=1)")
    pytest.skip(reason)


def _need_build() -> None:
    if not (HTML / "index.html").is_file():
        _skip_or_fail("no built book in _build/html: run `make book` first")


NO_BUILD = [pytest.param(None, id="no-build")]


# --------------------------------------------------------------------------------------------
# Sources: no build needed (runs with the unit tests)


def test_toc_lists_every_notebook():
    """Every chapter notebook is in _toc.yml and every _toc.yml entry exists.

    `only_build_toc_files: true` would otherwise drop a new chapter from the book silently.
    """
    toc = (ROOT / "_toc.yml").read_text(encoding="utf8")
    entries = re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)", toc, flags=re.M)
    assert entries, "no entries found in _toc.yml"
    missing = [e for e in entries if not any((ROOT / f"{e}{s}").is_file() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"
    notebooks = sorted(
        p.with_suffix("").relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")
    )
    unlisted = [nb for nb in notebooks if nb not in entries]
    assert not unlisted, f"notebooks missing from _toc.yml (the book would skip them): {unlisted}"


# --------------------------------------------------------------------------------------------
# Static check of the HTML: no page refers to a host other than its own


_TAG_URL = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(src|href|data|srcset)\s*=\s*[\"']([^\"']*)[\"']",
    re.I,
)


@pytest.mark.browser
def test_no_page_loads_from_another_host():
    _need_build()
    offenders = []
    for page in _pages():
        html = (HTML / page).read_text(encoding="utf8", errors="replace")
        for tag, attr, url in _TAG_URL.findall(html):
            if re.match(r"\s*(https?:)?//", url, re.I):
                offenders.append(f"{page}: <{tag} {attr}={url!r}>")
    assert not offenders, "pages load resources from other hosts:\n" + "\n".join(offenders)


@pytest.mark.browser
def test_local_links_resolve():
    """Every relative link and asset of every page (download buttons included) exists."""
    _need_build()
    broken = []
    for page in _pages():
        html = (HTML / page).read_text(encoding="utf8", errors="replace")
        for url in re.findall(
            r"<(?:a|script|link|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"'#?][^\"'#?]*)", html, re.I
        ):
            if re.match(r"[a-z][a-z0-9+.-]*:|//", url, re.I):  # http:, mailto:, data:, ...
                continue
            target = urllib.parse.unquote(urllib.parse.urljoin(page, url))
            if not (HTML / target).exists():
                broken.append(f"{page}: {url}")
    assert not broken, "links to files that are not in the build:\n" + "\n".join(sorted(set(broken)))


@pytest.mark.browser
def test_vendored_assets_are_in_the_build():
    _need_build()
    for rel in ("mathjax/tex-chtml.js", "require.js", "jupyter-widgets/embed-amd.js"):
        assert (HTML / "_static" / rel).is_file(), f"_static/{rel} missing: run `make assets`"
    assert not (ROOT / "_static").exists(), (
        "a root _static/ folder makes Jupyter Book inject every .js/.css of html_static_path "
        "(all of MathJax) into every page; vendored assets belong in _vendor/"
    )


# --------------------------------------------------------------------------------------------
# Headless Chromium through the DevTools protocol


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class Browser:
    """One headless Chromium with one tab, driven over the DevTools websocket."""

    def __init__(self, executable: str):
        import websocket  # websocket-client, installed with JupyterLab (jupyter_server)

        self.profile = tempfile.mkdtemp(prefix="book-chromium-")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--mute-audio",
                f"--user-data-dir={self.profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,2000",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("Chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if any(e["method"] == method for e in self.events):
            return True
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                msg = json.loads(self.ws.recv())
            except Exception:  # websocket timeout
                break
            finally:
                self.ws.settimeout(60)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return True
        return False

    def evaluate(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True, timeout=60000)
        if "exceptionDetails" in res:
            raise RuntimeError(f"page script failed: {res['exceptionDetails']}")
        return res["result"].get("value")

    def goto(self, url: str, timeout: float = 30) -> None:
        self.call("Page.navigate", url="about:blank")
        self.wait_event("Page.loadEventFired", 5)
        self.events.clear()
        self.call("Page.navigate", url=url)
        if not self.wait_event("Page.loadEventFired", timeout):
            raise RuntimeError(f"{url} did not finish loading in {timeout} s")

    def screenshot(self, path: Path, max_height: int = 16000) -> None:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": 1280, "height": min(int(size["height"]) + 1, max_height), "scale": 1}
        png = self.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(png["data"]))

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# Runs in the page once it has loaded: waits for MathJax and the widget manager, makes every
# image load, then reports what a reader would see.
_INSPECT = r"""
(async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const until = async (cond, ms) => { const t = Date.now(); while (!cond() && Date.now() - t < ms) await sleep(100); return cond(); };
  const mathNodes = [...document.querySelectorAll('.math')];
  if (mathNodes.length) {
    await until(() => window.MathJax && MathJax.startup && MathJax.startup.promise, 20000);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  }
  // The widget manager draws each saved view into a div.widget-subarea just before its script.
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  const undrawn = () => views.filter(s => { const a = s.previousElementSibling;
    return !(a && a.classList.contains('widget-subarea') && a.querySelector('.jupyter-widgets')); });
  if (views.length) await until(() => undrawn().length === 0, 20000);
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.complete ? null :
    new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); setTimeout(r, 10000); })));
  await document.fonts.ready;
  await sleep(300);
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, textarea, .highlight').forEach(e => e.remove());
  const text = clone.textContent;
  return {
    title: document.title,
    math: mathNodes.length,
    untypeset: mathNodes.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
    mathjax: document.querySelectorAll('mjx-container').length,
    merrors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    rawTex: (text.match(/\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|(?<![\w\\])\$[^\s$][^$\n]{0,120}\$/g) || []).slice(0, 5),
    widgetViews: views.length,
    widgetsUndrawn: undrawn().length,
    widgetErrors: [...document.querySelectorAll('.jupyter-widgets')].map(e => e.textContent)
      .filter(t => /Error (rendering|displaying) (Jupyter )?widget|Could not (create|render)/i.test(t)).slice(0, 3),
    images: [...document.images].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
  };
})()
"""


@pytest.fixture(scope="module")
def site():
    """Serve _build/html on 127.0.0.1 and start Chromium; yield (browser, base URL)."""
    _need_build()
    executable = _chromium()
    if executable is None:
        _skip_or_fail("Chromium is not installed (Debian: `apt-get install chromium`)")
    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    browser = Browser(executable)
    try:
        yield browser, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        browser.close()
        server.shutdown()
        server.server_close()


def _problems(report: dict, events: list[dict]) -> list[str]:
    problems = []
    urls = {}
    for e in events:
        m, p = e["method"], e.get("params", {})
        if "/favicon.ico" in json.dumps(p):  # asked for by the browser itself, not by the page
            continue
        if m == "Network.requestWillBeSent":
            url = p["request"]["url"]
            urls[p["requestId"]] = url
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
                problems.append(f"request to another host: {url}")
        elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
            problems.append(f"HTTP {p['response']['status']}: {p['response']['url']}")
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            problems.append(f"failed to load {urls.get(p['requestId'], '?')}: {p.get('errorText')}")
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            problems.append(f"JavaScript exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            problems.append(f"console.{p['type']}: {args[:300]}")
        elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
            problems.append(f"browser log: {p['entry']['text'][:300]} ({p['entry'].get('url', '')})")
    if report["math"]:
        if not report["mathjax"]:
            problems.append(f"{report['math']} math elements but no MathJax output")
        if report["untypeset"]:
            problems.append(f"math left untypeset: {report['untypeset'][:3]}")
    if report["merrors"]:
        problems.append(f"MathJax errors: {report['merrors'][:3]}")
    if report["rawTex"]:
        problems.append(f"raw TeX in the page text: {report['rawTex']}")
    if report["widgetsUndrawn"]:
        problems.append(f"{report['widgetsUndrawn']} of {report['widgetViews']} saved widget views not drawn")
    if report["widgetErrors"]:
        problems.append(f"widget errors: {report['widgetErrors']}")
    problems += [f"image did not load: {i['src']}" for i in report["images"] if not i["ok"]]
    return list(dict.fromkeys(problems))  # a blocked request is often reported more than once


@pytest.mark.browser
@pytest.mark.parametrize("page", _pages() or NO_BUILD)
def test_page_renders_offline(site, page):
    """Math typeset, widgets drawn, images loaded, no JS error, nothing fetched from elsewhere."""
    browser, base = site
    redirect = re.match(
        r'\s*<meta http-equiv="Refresh" content="0; url=([^"]+)"', (HTML / page).read_text(encoding="utf8"), re.I
    )
    if redirect:  # index.html only forwards to the root page, which has its own test
        target = urllib.parse.urljoin(page, redirect.group(1))
        assert (HTML / target).is_file(), f"{page} redirects to {target}, which was not built"
        return
    browser.goto(base + page)
    report = browser.evaluate(_INSPECT)
    problems = _problems(report, browser.events)
    if page.startswith("notebooks/"):
        browser.screenshot(SHOTS / (Path(page).stem + ".png"))
    assert not problems, f"{page} ({report['title']}):\n  " + "\n  ".join(problems)
