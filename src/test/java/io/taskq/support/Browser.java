package io.taskq.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages, driven through Debian's chromedriver. Both paths are
 * given explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver.
 * src/test/scripts/ensure-chromium.sh installs them; Maven runs it before the tests.
 */
public final class Browser {

  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browser() {
  }

  public static ChromeDriver start() {
    File browser = executable("TASKQ_CHROMIUM", "/usr/bin/chromium");
    File driver = executable("TASKQ_CHROMEDRIVER", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1000", "--lang=en-US", "--disable-extensions", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    return chrome;
  }

  /** Saves the whole page (not only the window's height) as target/screenshots/{name}.png; answers the file. */
  public static Path screenshot(ChromeDriver chrome, String name) {
    Dimension window = chrome.manage().window().getSize();
    try {
      Number height = (Number) chrome.executeScript("return document.documentElement.scrollHeight");
      chrome.manage().window().setSize(new Dimension(window.getWidth(), Math.max(window.getHeight(), height.intValue() + 120)));
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, chrome.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("could not save the screenshot " + name, e);
    } finally {
      chrome.manage().window().setSize(window);
    }
  }

  private static File executable(String variable, String fallback) {
    String path = System.getenv(variable) == null ? fallback : System.getenv(variable);
    File file = new File(path);
    if (!file.canExecute()) {
      throw new IllegalStateException(path + " is missing: run src/test/scripts/ensure-chromium.sh (Maven runs it"
          + " before the tests) or point " + variable + " at it");
    }
    return file;
  }
}
