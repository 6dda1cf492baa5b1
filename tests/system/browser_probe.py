"""
Drive Debian's headless Chromium (Selenium with chromedriver) against a
device host's presentation page and print what happened, as JSON on stdout.

Used by tests.system.test_browser in a subprocess started in a client namespace
(tests/support/netns.py): that namespace has no route but its link to the device,
so the browser reaches nothing else.  Every wait is bounded.

    python tests/system/browser_probe.py light PAGE_URL DESCRIPTION_URL
        load the BinaryLight's page; switch the light on with its form;
        wait for Status to turn true without a reload; switch it off with
        async-upnp-client (SOAP); wait for Status to turn false on the page.

    python tests/system/browser_probe.py nojs PAGE_URL
        with JavaScript off: switch the light on with the form (a plain
        POST) and read the page it answers.

    python tests/system/browser_probe.py screenshot PAGE_URL OUT.png WIDTH
        save a full-page screenshot of the page at a window WIDTH pixels
        wide, once its live values are connected.
"""

import asyncio
import json
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

#: The longest any single wait lasts, in seconds.
WAIT = 15.0


def browser(width: int = 1280, height: int = 900, javascript: bool = True) -> webdriver.Chrome:
    """
    Start headless Chromium.  As root it needs --no-sandbox.
    """
    options = webdriver.ChromeOptions()
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


def waitUntil(condition, what: str):
    """
    Poll C{condition} until it returns something true, for at most L{WAIT}
    seconds.
    """
    return WebDriverWait(None, WAIT, poll_frequency=0.05).until(
        lambda _: condition(), message=f"waited {WAIT} s for {what}"
    )


def cellText(driver: webdriver.Chrome, variable: str) -> str:
    """
    The value shown for a state variable, found by its row's heading.
    """
    cell = driver.find_element(By.XPATH, f"//table[@class='state']//tr[th[starts-with(normalize-space(.), '{variable}')]]//span[contains(concat(' ', @class, ' '), ' value ')]")
    return cell.text


async def switchOffWithAsyncUPnPClient(descriptionURL: str) -> object:
    from async_upnp_client.aiohttp import AiohttpRequester
    from async_upnp_client.client_factory import UpnpFactory

    factory = UpnpFactory(AiohttpRequester(), non_strict=False)
    device = await factory.async_create_device(descriptionURL)
    service = device.service("urn:schemas-upnp-org:service:SwitchPower:1")
    await service.action("SetTarget").async_call(newTargetValue=False)
    return (await service.action("GetStatus").async_call())["ResultStatus"]


def light(pageURL: str, descriptionURL: str) -> dict:
    result: dict = {}
    driver = browser()
    try:
        driver.get(pageURL)
        result["title"] = driver.title
        result["live"] = waitUntil(lambda: driver.find_element(By.ID, "live").text == "Live", "the live badge")
        driver.execute_script("window.__sameDocument = 'yes';")
        result["statusBefore"] = cellText(driver, "Status")
        form = driver.find_element(By.XPATH, "//form[.//legend[normalize-space(.)='SetTarget']]")
        box = form.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
        result["labelled"] = driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").text
        if not box.is_selected():
            box.click()
        form.find_element(By.TAG_NAME, "button").click()
        result["formResult"] = waitUntil(lambda: form.find_element(By.CSS_SELECTOR, "output.result").text, "the form's result")
        result["statusAfterForm"] = waitUntil(lambda: cellText(driver, "Status") == "true" and "true", "Status true")
        result["soapStatus"] = asyncio.run(asyncio.wait_for(switchOffWithAsyncUPnPClient(descriptionURL), WAIT))
        result["statusAfterSOAP"] = waitUntil(lambda: cellText(driver, "Status") == "false" and "false", "Status false")
        result["sameDocument"] = driver.execute_script("return window.__sameDocument || null;")
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        result["errors"] = [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        driver.quit()
    return result


def withoutJavaScript(pageURL: str) -> dict:
    result: dict = {}
    driver = browser(javascript=False)
    try:
        driver.get(pageURL)
        result["live"] = driver.find_element(By.ID, "live").text
        result["statusBefore"] = cellText(driver, "Status")
        form = driver.find_element(By.XPATH, "//form[.//legend[normalize-space(.)='SetTarget']]")
        box = form.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
        if not box.is_selected():
            box.click()
        old = driver.find_element(By.TAG_NAME, "html")
        form.find_element(By.TAG_NAME, "button").click()
        waitUntil(lambda: not _attached(old), "the answer page")
        result["url"] = driver.current_url
        result["statusAfter"] = cellText(driver, "Status")
        form = driver.find_element(By.XPATH, "//form[.//legend[normalize-space(.)='SetTarget']]")
        result["formResult"] = form.find_element(By.CSS_SELECTOR, "output.result").text
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        driver.quit()
    return result


def _attached(element) -> bool:
    try:
        element.tag_name
    except Exception:
        return False
    return True


def screenshot(pageURL: str, out: str, width: int) -> dict:
    driver = browser(width, 800)
    try:
        driver.get(pageURL)
        waitUntil(lambda: driver.find_element(By.ID, "live").text == "Live", "the live badge")
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        # Let the page lay itself out at the new width: two animation frames.
        driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]));")
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        driver.save_screenshot(out)
        return {"saved": out, "height": height}
    finally:
        driver.quit()


def main() -> None:
    try:
        if sys.argv[1] == "light":
            result = light(sys.argv[2], sys.argv[3])
        elif sys.argv[1] == "nojs":
            result = withoutJavaScript(sys.argv[2])
        else:
            result = screenshot(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    except Exception as e:
        result = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
