"""
Drive Debian's headless Chromium through a MediaServer's presentation page
the way a person would, and print what happened as JSON on stdout.

Used by tests.system.test_media_panel in a subprocess started in a client
namespace (tests/support/netns.py), which has no route but its link to the
device.  Every wait is bounded (browser_probe.WAIT).

    python tests/system/media_browser_probe.py PAGE_URL OUT_DIR
        open the library; click down to the album; play the tagged song
        (an <audio> whose metadata loads); go to the pictures and show one
        (an <img> that decodes); open a folder of many pictures and its
        next page; save screenshots of the album folder and of the player
        in OUT_DIR; report the browser's errors (a CSP refusal is one).
"""

import json
import os
import sys

from selenium.webdriver.common.by import By

from browser_probe import browser, waitUntil


def click(driver, text: str) -> None:
    """
    Follow the link whose text is C{text}, and wait for the next page.
    """
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, text).click()
    waitUntil(lambda: not _attached(old), f"the page after {text!r}")


def _attached(element) -> bool:
    try:
        element.tag_name
    except Exception:
        return False
    return True


def entries(driver) -> list:
    """
    The library card's entries: (class, text) of each.
    """
    return [(each.get_attribute("class"), each.text) for each in driver.find_elements(By.CSS_SELECTOR, "section.library li")]


def shoot(driver, out: str) -> None:
    """
    A full-page screenshot in C{out}.
    """
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(1100, min(max(height, 600), 4000))
    driver.save_screenshot(out)


def walk(pageURL: str, outDirectory: str) -> dict:
    result: dict = {}
    driver = browser(1100, 900)
    try:
        driver.get(pageURL)
        result["title"] = driver.title
        result["root"] = entries(driver)
        click(driver, "music")
        result["music"] = entries(driver)
        click(driver, "Artist")
        click(driver, "Album")
        result["album"] = entries(driver)
        shoot(driver, os.path.join(outDirectory, "album.png"))
        click(driver, "Tagged Song")
        audio = driver.find_element(By.CSS_SELECTOR, ".player audio")
        result["audioSource"] = audio.get_attribute("src")
        waitUntil(lambda: driver.execute_script("return arguments[0].readyState >= 1;", audio), "the song's metadata")
        result["audioDuration"] = driver.execute_script("return arguments[0].duration;", audio)
        shoot(driver, os.path.join(outDirectory, "player.png"))
        click(driver, "Back to the folder")
        click(driver, "Up")
        click(driver, "Up")
        click(driver, "pictures")
        click(driver, "picture")
        image = driver.find_element(By.CSS_SELECTOR, ".player img")
        result["imageWidth"] = waitUntil(lambda: driver.execute_script("return arguments[0].naturalWidth;", image), "the picture")
        click(driver, "Back to the folder")
        click(driver, "Up")
        click(driver, "many")
        result["firstPage"] = len(entries(driver))
        click(driver, "Next")
        result["secondPage"] = len(entries(driver))
        result["pager"] = driver.find_element(By.CSS_SELECTOR, "section.library p.pager").text
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        result["errors"] = [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        driver.quit()
    return result


def main() -> None:
    try:
        result = walk(sys.argv[1], sys.argv[2])
    except Exception as e:
        result = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
