package io.tally.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven by Selenium through the system's {@code chromedriver} (Debian's {@code chromium}
 * and {@code chromium-driver}; CI installs them). Nothing is downloaded at run time: Selenium is pointed at the
 * installed driver and browser. Set {@code tally.chromium} / {@code tally.chromedriver} to use others.
 */
final class Browser {
    static final Path CHROMIUM = Path.of(System.getProperty("tally.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tally.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {}

    /** @return a new headless browser, 1400 × 1000 */
    static WebDriver start() {
        if (System.getenv("CI") != null) {
            // CI installs the browser: its absence there is a failure, not a skip
            if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
                throw new IllegalStateException(
                        "CI must install chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
            }
        }
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,1000",
                "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Saves a screenshot of the whole page (from its top) under {@code target/} and @return its path */
    static Path screenshot(WebDriver driver, String name) throws java.io.IOException {
        Path file = Path.of("target", name);
        long height = (Long) ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight;");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, (int) Math.min(4000, height + 140)));
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }
}
