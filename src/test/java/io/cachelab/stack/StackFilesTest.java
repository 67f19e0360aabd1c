package io.cachelab.stack;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs in CI, so the stack cannot be started there; `.ci/run` validates the compose
 * file's syntax with docker-compose, and this test checks what that cannot: that the files agree with
 * each other. The app's environment is resolved the way Spring Boot resolves it (environment variables
 * over application-mysql.yml over application.yml, relaxed binding) and must land on the services the
 * compose file defines; MySQL is set up for Canal (ROW binlog, FULL images, a server id Canal does not
 * reuse, the Canal user with the credentials Canal is given); every service has a healthcheck the app
 * waits for; the image build copies every directory the pom builds from and runs as a non-root user.
 */
class StackFilesTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));

    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCompose() throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(r);
            services = (Map<String, Object>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> env(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) service(service).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Map<String, Object> map, String key) {
        return (List<String>) map.get(key);
    }

    @Test
    void everyServiceHasAHealthcheckAndTheAppWaitsForAllOfThem() {
        assertThat(services).containsOnlyKeys("mysql", "canal", "kafka", "redis", "app", "app-engine");
        services.keySet().forEach(name -> assertThat(service(name)).as(name).containsKey("healthcheck"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service("app").get("depends_on");
        assertThat(dependsOn).containsOnlyKeys("mysql", "canal", "kafka", "redis");
        dependsOn.values().forEach(d -> assertThat(d).containsEntry("condition", "service_healthy"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> engineDependsOn = (Map<String, Map<String, String>>) service("app-engine").get("depends_on");
        assertThat(engineDependsOn).containsOnlyKeys("mysql", "canal", "kafka");
        engineDependsOn.values().forEach(d -> assertThat(d).containsEntry("condition", "service_healthy"));
        assertThat(service("app-engine").get("healthcheck")).isEqualTo(service("app").get("healthcheck"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> canalDependsOn = (Map<String, Map<String, String>>) service("canal").get("depends_on");
        assertThat(canalDependsOn.get("mysql")).containsEntry("condition", "service_healthy");
    }

    @Test
    void theAppsEnvironmentResolvesOntoTheStacksServices() throws IOException {
        Map<String, String> app = env("app");
        Binder binder = springBinder(app);

        assertThat(binder.bind("cachelab.engine.enabled", Boolean.class).get()).isFalse();
        assertThat(binder.bind("spring.data.redis.host", String.class).get()).isEqualTo("redis").isIn(services.keySet());
        assertThat(binder.bind("spring.data.redis.port", Integer.class).get()).isEqualTo(6379);
        assertThat(binder.bind("spring.sql.init.mode", String.class).get()).isEqualTo("never");
        assertThat(binder.bind("spring.datasource.driver-class-name", String.class).get()).isEqualTo("com.mysql.cj.jdbc.Driver");

        Map<String, String> mysql = env("mysql");
        String url = binder.bind("spring.datasource.url", String.class).get();
        assertThat(url).startsWith("jdbc:mysql://mysql:3306/" + mysql.get("MYSQL_DATABASE") + "?");
        assertThat(binder.bind("spring.datasource.username", String.class).get()).isEqualTo(mysql.get("MYSQL_USER"));
        assertThat(binder.bind("spring.datasource.password", String.class).get()).isEqualTo(mysql.get("MYSQL_PASSWORD"));

        // names the feature branches bind (contract of the stack)
        assertThat(binder.bind("cachelab.consistency.mode", String.class).get()).isEqualTo("canal");
        assertThat(binder.bind("cachelab.sync.canal.host", String.class).get()).isEqualTo("canal").isIn(services.keySet());
        assertThat(binder.bind("cachelab.sync.canal.port", Integer.class).get()).isEqualTo(11111);
        assertThat(binder.bind("cachelab.sync.canal.destination", String.class).get())
                .isEqualTo(env("canal").get("canal.destinations"));
        assertThat(binder.bind("cachelab.claims.queue", String.class).get()).isEqualTo("kafka");
        String bootstrap = binder.bind("spring.kafka.bootstrap-servers", String.class).get();
        assertThat(bootstrap).isEqualTo("kafka:9092");
        assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + bootstrap);
    }

    /**
     * `docker compose up` runs redis:7 and the app on it (.env's COMPOSE_PROFILES=redis);
     * `--profile engine` replaces both by app-engine, and the services without a profile run in both.
     */
    @Test
    void theProfilesPickRedisOrTheEngine() throws IOException {
        assertThat(Files.readAllLines(ROOT.resolve(".env"))).contains("COMPOSE_PROFILES=redis");
        assertThat(list(service("redis"), "profiles")).containsExactly("redis");
        assertThat(list(service("app"), "profiles")).containsExactly("redis");
        assertThat(list(service("app-engine"), "profiles")).containsExactly("engine");
        for (String always : List.of("mysql", "canal", "kafka")) assertThat(service(always)).doesNotContainKey("profiles");
        // one app at a time answers on 8080
        assertThat(list(service("app"), "ports")).containsExactly("8080:8080");
        assertThat(list(service("app-engine"), "ports")).containsExactly("8080:8080", "127.0.0.1:6379:6379");
    }

    /** The redis service keeps coupon stock and accepted claims: an AOF fsynced every second, in a volume. */
    @Test
    void redisPersistsAnAppendOnlyFileInAVolume() {
        List<String> command = list(service("redis"), "command");
        assertThat(String.join(" ", command)).isEqualTo("redis-server --save  --appendonly yes --appendfsync everysec");
        assertThat(list(service("redis"), "volumes")).containsExactly("redis-data:/data");
    }

    /** app-engine: the same environment as app but for Redis, which is its own engine on every interface. */
    @Test
    void theEngineProfilesAppRunsItsEngineAndOtherwiseMatchesTheApp() throws IOException {
        Map<String, String> app = env("app"), engine = env("app-engine");
        Map<String, String> shared = new LinkedHashMap<>(app);
        List.of("CACHELAB_ENGINE_ENABLED", "REDIS_HOST", "REDIS_PORT").forEach(shared::remove);
        assertThat(engine).containsAllEntriesOf(shared);
        assertThat(engine.keySet()).containsAll(app.keySet());

        Binder binder = springBinder(engine);
        assertThat(binder.bind("cachelab.engine.enabled", Boolean.class).get()).isTrue();
        assertThat(binder.bind("cachelab.engine.bind", String.class).get()).isEqualTo("0.0.0.0");
        assertThat(binder.bind("cachelab.engine.options.protected-mode", String.class).get()).isEqualTo("no");
        assertThat(binder.bind("spring.data.redis.host", String.class).get()).isEqualTo("127.0.0.1");
        assertThat(binder.bind("spring.data.redis.port", Integer.class).get())
                .isEqualTo(binder.bind("cachelab.engine.port", Integer.class).get()).isEqualTo(6379);
        assertThat(binder.bind("cachelab.consistency.mode", String.class).get()).isEqualTo("canal");
        assertThat(binder.bind("cachelab.claims.queue", String.class).get()).isEqualTo("kafka");
    }

    /** Environment variables over the `mysql` profile's file over application.yml, as Spring Boot orders them. */
    static Binder springBinder(Map<String, String> env) throws IOException {
        assertThat(env.get("SPRING_PROFILES_ACTIVE")).isEqualTo("mysql");
        StandardEnvironment environment = new StandardEnvironment();
        var sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.addLast(new SystemEnvironmentPropertySource("compose app environment", new HashMap<>(env)));
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        yaml.load("application-mysql.yml", new ClassPathResource("application-mysql.yml")).forEach(sources::addLast);
        yaml.load("application.yml", new ClassPathResource("application.yml")).forEach(sources::addLast);
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment);
    }

    @Test
    void mysqlIsSetUpForCanal() throws IOException {
        Map<String, Object> mysql = service("mysql");
        List<String> command = list(mysql, "command");
        assertThat(command).contains("--binlog-format=ROW", "--binlog-row-image=FULL");
        String serverId = command.stream().filter(c -> c.startsWith("--server-id=")).findFirst().orElseThrow()
                .substring("--server-id=".length());
        Map<String, String> canal = env("canal");
        assertThat(canal.get("canal.instance.mysql.slaveId")).isNotEqualTo(serverId);
        assertThat(canal.get("canal.instance.master.address")).isEqualTo("mysql:3306");

        // schema, then data, then the Canal user; every file exists in sql/
        List<String> initFiles = list(mysql, "volumes").stream()
                .filter(v -> v.contains("/docker-entrypoint-initdb.d/")).toList();
        assertThat(initFiles).containsExactly(
                "./sql/schema.sql:/docker-entrypoint-initdb.d/01-schema.sql:ro",
                "./sql/data.sql:/docker-entrypoint-initdb.d/02-data.sql:ro",
                "./sql/canal-user.sql:/docker-entrypoint-initdb.d/03-canal-user.sql:ro");
        initFiles.forEach(v -> assertThat(ROOT.resolve(v.substring(0, v.indexOf(':')))).isRegularFile());

        String canalUser = Files.readString(ROOT.resolve("sql/canal-user.sql"));
        Matcher create = Pattern.compile(
                "CREATE USER IF NOT EXISTS '(\\w+)'@'%' IDENTIFIED WITH mysql_native_password AS '(\\*[0-9A-F]{40})'")
                .matcher(canalUser);
        assertThat(create.find()).as(canalUser).isTrue();
        assertThat(create.group(1)).isEqualTo(canal.get("canal.instance.dbUsername"));
        // the plugin's stored form of the password Canal is given: '*' + hex(SHA1(SHA1(password)))
        assertThat(create.group(2)).isEqualTo(nativePasswordHash(canal.get("canal.instance.dbPassword")));
        assertThat(canalUser).contains("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '"
                + create.group(1) + "'@'%'");
        // Canal follows only the application's schema
        assertThat("cachelab.article").matches(canal.get("canal.instance.filter.regex"));
        assertThat("mysql.user").doesNotMatch(canal.get("canal.instance.filter.regex"));
    }

    static String nativePasswordHash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] twice = sha1.digest(sha1.digest(password.getBytes(StandardCharsets.UTF_8)));
            return "*" + HexFormat.of().withUpperCase().formatHex(twice);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theImageBuildsFromEveryPomInputAndRunsAsNonRootFromTheLayers() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String build = dockerfile.substring(0, dockerfile.indexOf("\nFROM ", dockerfile.indexOf("AS build")));
        String runtime = dockerfile.substring(build.length());
        // every top-level directory the pom reads resources or sources from is in the build context
        Matcher dirs = Pattern.compile("<directory>([^<$/]+)").matcher(pom);
        while (dirs.find()) {
            assertThat(build).as("COPY for pom directory " + dirs.group(1)).containsPattern("(?m)^COPY " + dirs.group(1) + " ");
        }
        assertThat(build).containsPattern("(?m)^COPY src src$").contains("extract --layers --launcher --destination /layers");
        assertThat(runtime).contains("COPY --from=build /layers/dependencies/ ./", "COPY --from=build /layers/spring-boot-loader/ ./",
                "COPY --from=build /layers/snapshot-dependencies/ ./", "COPY --from=build /layers/application/ ./");
        assertThat(runtime).containsPattern("(?m)^USER 1001(:1001)?$").contains("HEALTHCHECK");
        assertThat(runtime).contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
        String dockerignore = Files.readString(ROOT.resolve(".dockerignore"));
        assertThat(dockerignore.lines()).contains("target/").doesNotContain("src/", "sql/", "pom.xml", "mvnw", ".mvn/");
    }
}
