package io.github.taco.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The search page in a real headless Chromium: type a query, see ranked clips and heat strips.
 * Uses the system's /usr/bin/chromium and /usr/bin/chromedriver (Debian packages chromium,
 * chromium-driver) and never Selenium Manager, so nothing is downloaded; skipped without them.
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("taco.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("taco.chromedriver", "/usr/bin/chromedriver"));

    @TempDir static Path tmp;
    static ServerFixture fx;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER
                        + " are needed (apt-get install chromium chromium-driver, or set -Dtaco.chromium / "
                        + "-Dtaco.chromedriver)");
        // An explicit driver and browser binary keep Selenium Manager (which could download) out of the way.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        fx = new ServerFixture(tmp);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--disable-default-apps",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chrome-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) driver.quit();
        if (fx != null) fx.close();
    }

    @Test
    void typingAQueryShowsRankedClipsAndHeatStrips() {
        driver.get(fx.base() + "/");
        WebElement q = driver.findElement(By.id("q"));
        WebElement k = driver.findElement(By.id("k"));
        k.clear();
        k.sendKeys("4");
        q.sendKeys("cut the tomatoes and stir the sauce", Keys.ENTER);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .hit"), 4));
        List<WebElement> hits = driver.findElements(By.cssSelector("#results .hit"));
        try {
            Files.write(Path.of("target", "page-1280px.png"),
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String first = hits.get(0).getText();
        assertTrue(first.startsWith("#1"), first);
        assertTrue(first.contains("s1 ") && first.contains("s2 ") && first.contains("s3 ") && first.contains("final "),
                first);
        // one strip per noun/verb of the query, each with cells and exactly one best cell
        List<WebElement> strips = hits.get(0).findElements(By.cssSelector(".strip"));
        List<String> words = strips.stream().map(s -> s.getAttribute("data-word")).toList();
        assertTrue(words.containsAll(List.of("cut", "tomatoes", "stir", "sauce")), words.toString());
        for (WebElement s : strips) {
            List<WebElement> cells = s.findElements(By.cssSelector(".cell"));
            assertFalse(cells.isEmpty());
            assertEquals(1, s.findElements(By.cssSelector(".cell.best")).size());
            assertTrue(cells.get(0).getSize().getWidth() > 0, "cells are drawn");
        }
        assertTrue(hits.get(0).getText().contains("best "), "best second shown");
        assertTrue(driver.findElement(By.id("status")).getText().contains("4 clips of 24"),
                driver.findElement(By.id("status")).getText());
        assertTrue(driver.getCurrentUrl().contains("q=cut"), "the query is in the address for sharing");
    }

    @Test
    void usableOnAPhoneAndOneHeatScalePerResult() throws Exception {
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            driver.get(fx.base() + "/?q="
                    + URLEncoder.encode("cut the tomatoes and stir the sauce", StandardCharsets.UTF_8) + "&k=3");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .hit"), 3));
            long viewport = (Long) ((JavascriptExecutor) driver)
                    .executeScript("return document.documentElement.clientWidth;");
            WebElement go = driver.findElement(By.id("go"));
            assertEquals("Search", go.getText());
            assertTrue(go.getLocation().getX() + go.getSize().getWidth() <= viewport,
                    "the Search button is inside the " + viewport + " px viewport");
            Long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertEquals(0L, overflow, "no horizontal scrolling");
            WebElement hit = driver.findElements(By.cssSelector("#results .hit")).get(0);
            List<WebElement> strips = hit.findElements(By.cssSelector(".strip"));
            for (WebElement s : strips) {
                assertTrue(s.getSize().getWidth() >= 250,
                        "a strip is " + s.getSize().getWidth() + " px wide at 390 px");
            }
            // every strip of one result is drawn on the same scale, and the scale is shown
            assertEquals(1, strips.stream().map(s -> s.getAttribute("data-scale")).distinct().count());
            assertTrue(hit.getText().contains("scale "), hit.getText());
            Files.write(Path.of("target", "page-390px.png"),
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void theCardsNeverContradictTheBanner() {
        for (String query : new String[] {"play the guitar and sing", "cut the tomatoes"}) {
            driver.get(fx.base() + "/?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&k=3");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .hit"), 3));
            boolean banner = !driver.findElements(By.cssSelector("#results .no-match")).isEmpty();
            List<WebElement> labels = driver.findElements(By.cssSelector("#results .confidence"));
            for (WebElement c : labels) {
                assertEquals(banner, c.getAttribute("class").contains("flagged"),
                        query + ": banner " + banner + ", card '" + c.getText() + "'");
                assertEquals(banner, c.getText().startsWith("no good match"), c.getText());
            }
        }
    }

    @Test
    void anEmptyPageOffersExamplesAndBackReturnsToThePreviousQuery() {
        driver.get(fx.base() + "/");
        List<WebElement> examples = driver.findElements(By.cssSelector("#results .example"));
        assertEquals(3, examples.size(), "three example queries on an empty page");
        String example = examples.get(0).getText();
        examples.get(0).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#results .hit")));
        assertTrue(driver.getTitle().startsWith(example), driver.getTitle());
        WebElement q = driver.findElement(By.id("q"));
        q.clear();
        q.sendKeys("stir the sauce", Keys.ENTER);
        wait.until(ExpectedConditions.titleContains("stir the sauce"));
        driver.navigate().back();
        wait.until(ExpectedConditions.titleContains(example));
        assertEquals(example, driver.findElement(By.id("q")).getAttribute("value"),
                "Back shows the previous query again");
        driver.navigate().back();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .example"), 3));
    }

    @Test
    void anOverlongQueryShowsTheServersError() {
        driver.get(fx.base() + "/?q=" + "a".repeat(600) + "&k=3");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.attributeContains(By.id("status"), "class", "error"));
        assertTrue(driver.findElement(By.id("status")).getText().contains("'q'"),
                driver.findElement(By.id("status")).getText());
        assertTrue(driver.findElements(By.cssSelector("#results .hit")).isEmpty());
    }
}
