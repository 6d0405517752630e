"""What visitors browse with: rows in which device type, operating system, browser and User-Agent agree.

Faker's `user_agent()` mixes random platforms and versions no real browser sends; each
row here is one real browser on one real platform with the User-Agent string it sends.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device_type: str  # desktop | mobile | tablet
    manufacturer: str  # "" where the web cannot know it (desktop PCs)
    model: str
    os: str
    os_version: str
    os_vendor: str
    browser: str
    browser_vendor: str
    browser_version: str
    user_agent: str
    screens: tuple[tuple[int, int], ...]  # CSS pixels, natural orientation (landscape for desktops)
    color_depth: int
    weight: int


# Screen sizes in CSS pixels: StatCounter Global Stats "Screen Resolution Stats" (desktop, mobile, tablet),
# the most common entries of each platform.
WINDOWS_SCREENS = ((1920, 1080), (1920, 1080), (1366, 768), (1536, 864), (2560, 1440), (1280, 720), (1600, 900))
MAC_SCREENS = ((1440, 900), (1512, 982), (1728, 1117), (1920, 1080), (2560, 1440))
LINUX_SCREENS = ((1920, 1080), (2560, 1440), (1366, 768))
IPHONE_SCREENS = ((390, 844), (393, 852), (430, 932), (375, 667), (414, 896))
ANDROID_PHONE_SCREENS = ((412, 915), (360, 800), (384, 854), (393, 873), (412, 892))
ANDROID_TABLET_SCREENS = ((800, 1280), (712, 1138), (753, 1205))
IPAD_SCREENS = ((820, 1180), (768, 1024), (834, 1194), (1024, 1366))

# User-Agent strings as the browsers sent them in June 2025 (the default traffic start): Chrome's reduced UA
# with a frozen "Android 10; K" and "Windows NT 10.0" (chromium.org "User-Agent Reduction"), Firefox's
# `rv:` form (MDN "Firefox user agent string reference"), Safari's `Version/` form (MDN "User-Agent"),
# Samsung Internet's (developer.samsung.com "Samsung Internet user agent string"). Shares: StatCounter Global
# Stats browser and platform market share, mid-2025, rounded.
_CHROME = "Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 {mobile}Safari/537.36"
_IOS_WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
DEVICES: tuple[DeviceRow, ...] = (
    DeviceRow(
        "desktop", "", "", "Windows", "10", "Microsoft", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="Windows NT 10.0; Win64; x64", mobile=""), WINDOWS_SCREENS, 24, 240,
    ),
    DeviceRow(
        "desktop", "", "", "Windows", "10", "Microsoft", "Edge", "Microsoft", "137.0.0.0",
        _CHROME.format(platform="Windows NT 10.0; Win64; x64", mobile="") + " Edg/137.0.0.0", WINDOWS_SCREENS, 24, 60,
    ),
    DeviceRow(
        "desktop", "", "", "Windows", "10", "Microsoft", "Firefox", "Mozilla", "139.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0", WINDOWS_SCREENS, 24, 25,
    ),
    DeviceRow(
        "desktop", "Apple", "Mac", "macOS", "10.15.7", "Apple", "Safari", "Apple", "18.5",
        f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_IOS_WEBKIT} Version/18.5 Safari/605.1.15",
        MAC_SCREENS, 30, 45,
    ),
    DeviceRow(
        "desktop", "Apple", "Mac", "macOS", "10.15.7", "Apple", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="Macintosh; Intel Mac OS X 10_15_7", mobile=""), MAC_SCREENS, 30, 40,
    ),
    DeviceRow(
        "desktop", "Apple", "Mac", "macOS", "10.15", "Apple", "Firefox", "Mozilla", "139.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:139.0) Gecko/20100101 Firefox/139.0", MAC_SCREENS, 30, 8,
    ),
    DeviceRow(
        "desktop", "", "", "Linux", "", "", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="X11; Linux x86_64", mobile=""), LINUX_SCREENS, 24, 12,
    ),
    DeviceRow(
        "desktop", "", "", "Linux", "", "", "Firefox", "Mozilla", "139.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0", LINUX_SCREENS, 24, 6,
    ),
    DeviceRow(
        "mobile", "Apple", "iPhone", "iOS", "18.5", "Apple", "Safari", "Apple", "18.5",
        f"Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) {_IOS_WEBKIT} Version/18.5 Mobile/15E148 Safari/604.1",
        IPHONE_SCREENS, 24, 200,
    ),
    DeviceRow(
        "mobile", "Apple", "iPhone", "iOS", "18.5", "Apple", "Chrome", "Google", "137.0.7151.79",
        f"Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) {_IOS_WEBKIT} CriOS/137.0.7151.79 Mobile/15E148 "
        "Safari/604.1",
        IPHONE_SCREENS, 24, 25,
    ),
    DeviceRow(
        "mobile", "Samsung", "Galaxy S24", "Android", "14", "Google", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="Linux; Android 10; K", mobile="Mobile "), ANDROID_PHONE_SCREENS, 24, 150,
    ),
    DeviceRow(
        "mobile", "Google", "Pixel 8", "Android", "15", "Google", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="Linux; Android 10; K", mobile="Mobile "), ANDROID_PHONE_SCREENS, 24, 60,
    ),
    DeviceRow(
        "mobile", "Samsung", "SM-S928B", "Android", "14", "Google", "Samsung Internet", "Samsung", "28.0",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
        ANDROID_PHONE_SCREENS, 24, 35,
    ),
    DeviceRow(
        "tablet", "Samsung", "Galaxy Tab S9", "Android", "14", "Google", "Chrome", "Google", "137.0.0.0",
        _CHROME.format(platform="Linux; Android 10; K", mobile=""), ANDROID_TABLET_SCREENS, 24, 15,
    ),
    DeviceRow(
        "tablet", "Apple", "iPad", "iPadOS", "18.5", "Apple", "Chrome", "Google", "137.0.7151.79",
        f"Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) {_IOS_WEBKIT} CriOS/137.0.7151.79 Mobile/15E148 Safari/604.1",
        IPAD_SCREENS, 24, 12,
    ),
)


def viewport(row: DeviceRow, width: int, height: int, landscape: bool, chance: float) -> tuple[int, int]:
    """The page's viewport inside a screen: what the browser's own bars and the OS leave (`chance` in [0, 1)).

    Desktop windows are mostly maximised (task bar and browser toolbars take 110 to 150 px); a fifth are
    smaller windows. Mobile browsers keep the full width and lose the address and tool bars.
    """
    if row.device_type == "desktop":
        if chance < 0.2:
            scale = 0.6 + chance * 1.75  # 0.60 to 0.95 of the screen
            return int(width * scale), int((height - 110) * scale)
        return width, height - 110 - int(chance * 50)
    bars = 60 + int(chance * 50) if landscape else 100 + int(chance * 90)
    return width, height - bars
