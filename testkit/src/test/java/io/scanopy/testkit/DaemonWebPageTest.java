package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonMetrics;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.server.DaemonServer;
import io.scanopy.server.ServerSettings;
import io.scanopy.spi.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The daemon's web page in a real browser (Debian's headless Chromium) against the real engine:
 * a container started after the page loaded appears without a reload, and one removed
 * disappears. The page is served by the daemon with an API key, taken once from {@code ?key=}.
 */
@RequiresDocker
class DaemonWebPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static WebDriver headlessChromium(Path profile) {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are needed (scripts/test-env.sh installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root in a container-like sandbox, with no network beyond loopback: no sandbox, no background traffic.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @Test
    void thePageShowsAContainerStartedAfterItLoadedAndDropsOneRemoved() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-page-plugins"));
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String key = "page-test-key-" + java.util.UUID.randomUUID();
        Path profile = Files.createTempDirectory("scanopy-chromium");
        try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn());
             Daemon daemon = new Daemon(registry, List.of(TargetSpec.local(Map.of())), DaemonOptions.defaults(DiscoveryOptions.defaults().withDetection(null)),
                     null, new DaemonMetrics(metrics, detector), Clock.systemUTC());
             DaemonServer server = new DaemonServer(daemon.inventory(), metrics, new ServerSettings("127.0.0.1", 0, key, false))) {
            server.start();
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(60)));
            WebDriver browser = headlessChromium(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(server.url() + "?key=" + key);
                // The page is live once its event stream is open and the inventory loaded.
                wait.until(ExpectedConditions.textToBe(By.id("stream"), "live"));
                assertTrue(!browser.getCurrentUrl().contains(key), "the key leaves the address bar: " + browser.getCurrentUrl());
                WebElement target = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#targets .target[data-target='local Docker']")));
                wait.until(ExpectedConditions.textToBePresentInElement(target, "GET /containers/json"));
                assertTrue(target.findElements(By.cssSelector("table.checks tbody tr")).size() >= 6, "the capability matrix lists the endpoints: " + target.getText());

                try (TestContainer late = new TestContainer().withLabel("role", "page-test")) {
                    late.start();
                    By row = By.cssSelector("tr[data-container-id='" + late.getContainerId() + "']");
                    WebElement shown = wait.until(ExpectedConditions.presenceOfElementLocated(row));
                    String name = late.getContainerInfo().getName().substring(1);
                    assertEquals(name, shown.findElement(By.cssSelector(".name")).getText(), "the new row names the container");

                    late.stop();
                    wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
                }
            } finally {
                browser.quit();
            }
        } finally {
            registry.close();
        }
    }
}
