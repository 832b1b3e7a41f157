package fr.relais.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One person at a real browser: Debian's headless Chromium driven through chromedriver, with a
 * fresh profile each time (French first, like the users). Close it (try-with-resources).
 */
public final class BrowserSession implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final String base;
    private final Path profile;
    private final WebDriver driver;

    public BrowserSession(int port) {
        this.base = "http://localhost:" + port;
        try {
            this.profile = Files.createTempDirectory("relais-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--lang=fr-FR", "--window-size=1280,1000", "--user-data-dir=" + profile);
        // Headless Chromium ignores --lang for Accept-Language; the profile preference sets it.
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "fr-FR,fr"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
    }

    /** Chromium and chromedriver are installed (./relais setup installs them). */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"));
    }

    public WebDriver driver() {
        return driver;
    }

    public BrowserSession open(String path) {
        driver.get(base + path);
        return this;
    }

    public BrowserSession login(String username, String password) {
        open("/login");
        type("username", username);
        type("password", password);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waitUntil(d -> !d.getCurrentUrl().contains("/login"));
        return this;
    }

    public WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    /** Replaces a text field's value as a person would type it. */
    public BrowserSession type(String id, String text) {
        WebElement field = byId(id);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Sets a value the way a picker would (date inputs differ by locale when typed). */
    public BrowserSession setValue(String id, String value) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", byId(id), value);
        return this;
    }

    public BrowserSession select(String id, String value) {
        new Select(byId(id)).selectByValue(value);
        return this;
    }

    public BrowserSession click(By by) {
        driver.findElement(by).click();
        return this;
    }

    public String text(By by) {
        return driver.findElement(by).getText();
    }

    public String source() {
        return driver.getPageSource();
    }

    public <T> T waitUntil(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition::apply);
    }

    public WebElement waitForText(By by, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    /** A marker set on the window: it survives as long as the page is not reloaded. */
    public BrowserSession markPage() {
        ((JavascriptExecutor) driver).executeScript("window.relaisNotReloaded = true;");
        return this;
    }

    public boolean pageWasNotReloaded() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript("return window.relaisNotReloaded === true;"));
    }

    /** Waits for the page's live stream (static/js/live.js) to be connected. */
    public BrowserSession waitForLiveStream() {
        waitUntil(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-live-state")));
        return this;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A leftover temporary profile is harmless.
            }
        }
    }
}
