"""The web desk end to end in a real browser (Debian's headless Chromium driven by Selenium), and a ``kill -9``.

The server is started by the test on 127.0.0.1 with a port of its own. With DESK_SCREENSHOTS=folder the
browser test also saves screenshots of the main pages (docs/images/desk-*.png are made that way).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import httpx

from .deskkit import (
    BAD_CELL,
    PASSWORD,
    SAMPLES,
    WATER_SAMPLE,
    add_accounts,
    csrf_of,
    make_folder,
    workbook,
)

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN")
SENTENCE = "审核人在浏览器中改写的项目管理意见：请于11月底前完成管网验收。"


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test needs {missing} (scripts/system-packages.sh and the test extra)")
        pytest.skip(f"no {missing}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The desk served by uvicorn in this process, on a loopback socket bound to port 0."""
    import uvicorn

    from docgen.web.app import create_app

    root = make_folder(tmp_path / "projects")
    if os.environ.get("DESK_SCREENSHOTS"):  # pictures for docs/: the desk over every sample project
        for sample in SAMPLES.glob("*.yaml"):
            shutil.copy(sample, root / sample.name)
    add_accounts(root)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(root), log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", root
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    _need_browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser or a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    driver.implicitly_wait(20)  # a click that submits a form does not wait for the next page
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: object, name: str) -> None:
    folder = os.environ.get("DESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.body.scrollHeight")  # type: ignore[attr-defined]
        driver.set_window_size(1280, max(700, min(int(height) + 40, 2400)))  # type: ignore[attr-defined]
        driver.save_screenshot(str(Path(folder) / f"desk-{name}.png"))  # type: ignore[attr-defined]
        driver.set_window_size(1280, 1000)  # type: ignore[attr-defined]


def _login(driver: object, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "name").send_keys(name)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login").click()  # type: ignore[attr-defined]
    _until(driver, lambda d: "/login" not in d.current_url)


def _until(driver: object, condition: object) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(condition)  # type: ignore[arg-type]


def _text(driver: object, element_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    _until(driver, ec.text_to_be_present_in_element((By.ID, element_id), text))


def _logout(driver: object) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "header form button").click()  # type: ignore[attr-defined]
    _until(driver, lambda d: d.current_url.endswith("/login"))


def _upload(driver: object, base: str, path: Path) -> str:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/unit")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "file").send_keys(str(path))  # type: ignore[attr-defined]
    driver.find_element(By.ID, "submit").click()  # type: ignore[attr-defined]
    return str(driver.find_element(By.ID, "summary").text)  # type: ignore[attr-defined]


def test_unit_submits_reviewer_issues_table3_unit_downloads_it(server: tuple[str, Path], browser: object,
                                                                tmp_path: Path) -> None:
    import docx
    from selenium.webdriver.common.by import By

    base, root = server
    d = browser
    bad, fixed = tmp_path / "bad" / "饮水工程.xlsx", tmp_path / "fixed" / "饮水工程.xlsx"
    for path, data in ((bad, workbook(cell=BAD_CELL)), (fixed, workbook(cell=("资金", "B5", 365)))):
        path.parent.mkdir()
        path.write_bytes(data)

    # the unit logs in, submits a workbook with an error and sees where it is
    _login(d, base, "water")
    assert "勐海县水务局的项目" in d.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    _shot(d, "unit")
    assert "有错误" in _upload(d, base, bad)
    messages = d.find_element(By.ID, "messages").text  # type: ignore[attr-defined]
    assert "饮水工程.xlsx!资金!B5: 一般公共预算拨款: 无法识别的金额 \"约400\"" in messages
    _shot(d, "submit-error")
    # fixes it and submits again
    assert "已采用" in _upload(d, base, fixed)
    assert "365" in (root / WATER_SAMPLE).read_text(encoding="utf-8")
    _logout(d)

    # the reviewer finds it in the triage, edits an opinion and issues 表3
    _login(d, base, "reviewer")
    _until(d, lambda d: d.current_url.endswith("/triage"))
    _shot(d, "triage")
    d.find_element(By.LINK_TEXT, "2024年农村饮水安全巩固提升工程").click()  # type: ignore[attr-defined]
    assert "未审核" in d.find_element(By.ID, "status").text  # type: ignore[attr-defined]
    _shot(d, "project")
    d.find_element(By.ID, "edit-opinions").click()  # type: ignore[attr-defined]
    area = d.find_element(By.NAME, "意见.项目管理")  # type: ignore[attr-defined]
    area.clear()
    area.send_keys(SENTENCE)
    _shot(d, "opinions")
    d.find_element(By.ID, "save").click()  # type: ignore[attr-defined]
    _text(d, "notice", "意见已保存")
    d.find_element(By.ID, "issue").click()  # type: ignore[attr-defined]
    _text(d, "status", "已出具")
    d.get(f"{base}/departments")  # type: ignore[attr-defined]
    _shot(d, "departments")
    _logout(d)

    # the unit downloads 表3 and finds the reviewer's sentence in it
    _login(d, base, "water")
    d.find_element(By.LINK_TEXT, "下载表3").click()  # type: ignore[attr-defined]
    downloads: Path = d.downloads  # type: ignore[attr-defined]
    for _ in range(200):
        done = [p for p in downloads.iterdir() if p.suffix == ".docx"]
        if done:
            break
        time.sleep(0.05)
    assert done, "表3 was not downloaded"
    doc = docx.Document(str(done[0]))
    texts = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert any(SENTENCE in t for t in texts)


# --- kill -9 ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(root: Path, port: int) -> subprocess.Popen[bytes]:
    docgen = shutil.which("docgen", path=str(Path(sys.executable).parent)) or "docgen"
    proc = subprocess.Popen([docgen, "serve", str(root), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def _client_login(base: str, name: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = csrf_of(c.get("/login").text)
    assert c.post("/login", data={"csrf": token, "name": name, "password": PASSWORD}).status_code == 303
    return c, csrf_of(c.get("/unit").text)


def test_nothing_saved_is_lost_after_kill_9(tmp_path: Path) -> None:
    from docgen.web.projects import project_id

    root = make_folder(tmp_path / "projects")
    add_accounts(root)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(root, port)
    try:
        unit, token = _client_login(base, "water")
        r = unit.post("/submit", data={"csrf": token},
                      files={"file": ("饮水工程.xlsx", workbook(cell=("资金", "B5", 365)))})
        assert r.status_code == 200
        rev, rtoken = _client_login(base, "reviewer")
        pid = project_id(WATER_SAMPLE)
        page = rev.get(f"/p/{pid}/opinions").text
        version = re.search(r'name="version" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
        values = dict(re.findall(r'<textarea id="f\d+" name="([^"]+)">([^<]*)</textarea>', page))
        values["意见.项目管理"] = SENTENCE
        assert rev.post(f"/p/{pid}/opinions", data={"csrf": rtoken, "version": version, **values}).status_code == 303
        assert rev.post(f"/p/{pid}/issue", data={"csrf": rtoken}).status_code == 303
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    proc = _start(root, port)
    try:
        rev, _ = _client_login(base, "reviewer")
        page = rev.get(f"/p/{project_id(WATER_SAMPLE)}").text
        assert "已出具" in page and "已采用为当前版本" in page and "被替换的上一版本" in page
        assert SENTENCE in rev.get(f"/p/{project_id(WATER_SAMPLE)}/opinions").text
        assert "365" in (root / WATER_SAMPLE).read_text(encoding="utf-8")
        unit, _ = _client_login(base, "water")
        assert unit.get(f"/p/{project_id(WATER_SAMPLE)}/table3.docx").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
