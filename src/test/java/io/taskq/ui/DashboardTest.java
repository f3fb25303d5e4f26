package io.taskq.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.support.Browser;
import io.taskq.support.ServerTest;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A dashboard test: the real server and database of {@link ServerTest}, and one headless Chromium
 * for the whole class (starting one costs about a second). Every test starts signed out.
 */
abstract class DashboardTest extends ServerTest {

  /** Long enough for a 5-second refresh and a slow shared machine; a wait ends as soon as its condition holds. */
  static final Duration WAIT = Duration.ofSeconds(30);

  protected ChromeDriver chrome;

  @BeforeAll
  void startBrowser() {
    chrome = Browser.start();
  }

  @AfterAll
  void stopBrowser() {
    if (chrome != null) {
      chrome.quit();
    }
  }

  @BeforeEach
  void signedOut() {
    chrome.get(base() + "/ui/");
    chrome.executeScript("sessionStorage.clear()");
    chrome.get(base() + "/ui/");
  }

  /** No page may break the Content-Security-Policy (no inline script or style, no other origin). */
  @AfterEach
  void nothingBrokeThePolicy() {
    Object violations = chrome.executeScript("return document.documentElement.dataset.cspViolations");
    assertEquals("0", violations, "Content-Security-Policy violations on " + chrome.getCurrentUrl());
  }

  /** Every form control has a label, every button and link a name: what a screen reader announces. */
  @AfterEach
  void everyControlIsNamed() {
    Object unnamed = chrome.executeScript("""
        return [...document.querySelectorAll('input, select, textarea, button, a[href]')]
          .filter(e => e.offsetParent !== null || e.closest('svg'))
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
          .map(e => e.outerHTML.slice(0, 80));""");
    assertEquals(java.util.List.of(), unnamed, "controls without a name on " + chrome.getCurrentUrl());
  }

  /**
   * Every visible text has a contrast of at least 4.5:1 with what is behind it (WCAG AA), the
   * status badges and the graph's nodes included.
   */
  @AfterEach
  void textHasSufficientContrast() {
    Object poor = chrome.executeScript("""
        const rgb = c => c.match(/[\\d.]+/g).map(Number);
        const opaque = c => { const v = rgb(c); return v.length < 4 || v[3] > 0; };
        const lum = c => rgb(c).slice(0, 3).map(v => v / 255)
          .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
          .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
        const behind = e => {
          const node = e.closest('svg a.node');
          if (node) return getComputedStyle(node.querySelector('rect')).fill;
          for (; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (opaque(c)) return c;
          }
          return 'rgb(255, 255, 255)';
        };
        const found = [];
        for (const e of document.querySelectorAll('body *')) {
          const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
          if (!own || !e.getClientRects().length || e.closest('dialog:not([open]), [hidden]')) continue;
          const color = e instanceof SVGElement ? getComputedStyle(e).fill : getComputedStyle(e).color;
          const r = ratio(color, behind(e));
          if (r < 4.5) found.push(e.tagName + ' "' + e.textContent.trim().slice(0, 30) + '" ' + r.toFixed(2));
        }
        return found;""");
    assertEquals(java.util.List.of(), poor, "text below 4.5:1 on " + chrome.getCurrentUrl());
  }

  protected String base() {
    return "http://localhost:" + server.port();
  }

  protected void signIn(String key) {
    WebElement input = waitFor(By.id("api-key"));
    // By keyboard: the key field has the focus, Enter signs in.
    waitUntil(d -> input.equals(chrome.switchTo().activeElement()));
    chrome.switchTo().activeElement().sendKeys(key, Keys.ENTER);
    waitFor(By.id("sign-out"));
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
  }

  /** Goes to a view of the dashboard ({@code #/p/1/tasks}) in the signed-in tab. */
  protected void open(String hash) {
    chrome.executeScript("location.hash = arguments[0]", hash);
  }

  protected WebElement waitFor(By by) {
    return waitUntil(ExpectedConditions.presenceOfElementLocated(by));
  }

  protected <T> T waitUntil(Function<? super WebDriver, T> condition) {
    return new WebDriverWait(chrome, WAIT).until(condition);
  }

  protected String text(By by) {
    return chrome.findElement(by).getText();
  }
}
