"""Fixtures for the dashboard's browser tests: a fresh `understudy serve` per test (UNDERSTUDY_BIN,
port 0), Debian's chromium driven by Playwright (its own browser download is never used), and the
official SDK for the calls the page shows. Screenshots go to the run's tmp dir, `screenshots/`
(or to UNDERSTUDY_SCREENSHOTS when set).
"""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from openai import OpenAI
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build/debug/understudy"))


class Server:
    def __init__(self, *arguments: str):
        self.process = subprocess.Popen([BINARY, "serve", "--port", "0", *arguments],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("Understudy listening on "), line
        self.url = line.split()[-1].replace("0.0.0.0", "127.0.0.1")

    def client(self, **options) -> OpenAI:
        return OpenAI(base_url=self.url + "/v1", api_key="sk-test-dashboard-key-0001", max_retries=0, **options)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture()
def serve():
    """serve(*arguments) starts a server; every one started is stopped after the test."""
    started = []

    def start(*arguments: str) -> Server:
        server = Server(*arguments)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("UNDERSTUDY_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


def open_dashboard(page, server: Server, query: str = ""):
    """Opens the page and waits until its live feed is connected."""
    page.goto(server.url + "/__understudy/" + query)
    page.wait_for_selector("#live.on", timeout=5000)
    return page


def wait_rows(page, count: int, timeout: float = 1000):
    """Waits (at most `timeout` ms) until the list shows `count` rows."""
    page.locator("#rows tr:not([hidden])").nth(count - 1).wait_for(timeout=timeout)
    time.sleep(0.05)
    assert page.locator("#rows tr:not([hidden])").count() == count
