# Multi-stage on purpose: the JDK and Maven's repository stay in the build stage; the runtime image
# holds a Java 17 JRE and the Spring Boot jar split into layers (dependencies change rarely, the
# application on every commit), so a rebuild after a code change ships one small layer.
# Both stages are Ubuntu 24.04 (noble) based Temurin images: curl is part of them (adoptium/containers
# installs curl and wget), which the HEALTHCHECK below relies on.

FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
# the wrapper and the pom first: dependencies resolve into their own cached layer
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
# sql/ is a resource directory of the pom (schema and seed data go into the jar under sql/)
COPY sql sql
COPY src src
# tests run in CI (./mvnw verify), not in the image build; extract --launcher keeps Boot's loader so the
# runtime starts with JarLauncher from an exploded directory (verified on this jar: the four layer
# directories below, org/springframework/boot/loader/launch/JarLauncher.class in spring-boot-loader)
RUN ./mvnw -B -q -Dmaven.test.skip=true package \
 && java -Djarmode=tools -jar target/cachelab.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre-noble
RUN groupadd --system --gid 1001 cachelab \
 && useradd --system --uid 1001 --gid cachelab --no-create-home --shell /usr/sbin/nologin cachelab
WORKDIR /app
# least to most often changed
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# numeric, so an orchestrator's runAsNonRoot check can verify it without reading /etc/passwd
USER 1001:1001
# the JVM reads JAVA_TOOL_OPTIONS itself (the exec-form ENTRYPOINT runs no shell to expand $JAVA_OPTS):
# size the heap from the container's memory limit; the protobuf flag quiets the warning the Canal
# client's old generated classes cause under protobuf 4 (docs/architecture.md, "Third-party parts and how they run")
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dcom.google.protobuf.use_unsafe_pre22_gencode"
EXPOSE 8080
# /actuator/health answers 503 while a component (database, Redis) is DOWN, so curl -f fails then
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health" || exit 1
# exec form: java is PID 1 and gets SIGTERM from `docker stop` directly
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
